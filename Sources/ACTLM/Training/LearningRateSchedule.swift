import Foundation

/// The learning rate at each update: a constant peak, reached by an optional linear warm-up, then an
/// optional linear or cosine decay from `decayStart` to a floor by `totalSteps`, and the floor after that.
///
/// A decay whose end is not known yet (`totalSteps` 0: a run limited by wall time, whose trainer fixes the
/// decay when it begins) holds the peak until `fixDecay` is called.
///
/// Steps count updates already taken: `rate(at: 0)` is the rate of the first update.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public enum Decay: String, Codable, CaseIterable, Sendable {
        case none, linear, cosine
    }

    public var peak: Double
    /// Updates spent rising linearly to `peak`; 0 starts at `peak`.
    public var warmupSteps: Int
    public var decay: Decay
    /// The update by which the decay reaches `floor`; ignored without decay, 0 while not yet fixed.
    public var totalSteps: Int
    public var floor: Double
    /// The update the decay begins at; nil begins it where the warm-up ends.
    public var decayStart: Int?

    public init(peak: Double, warmupSteps: Int = 0, decay: Decay = .none, totalSteps: Int = 0, floor: Double = 0,
                decayStart: Int? = nil) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.decay = decay
        self.totalSteps = totalSteps
        self.floor = floor
        self.decayStart = decayStart
    }

    /// A decay waiting for its end to be fixed.
    public var isPending: Bool { decay != .none && totalSteps == 0 }

    /// The update the decay begins at.
    public var decayBegins: Int { decayStart ?? warmupSteps }

    /// Fixes a pending decay to run from update `start` to update `end`.
    public mutating func fixDecay(from start: Int, to end: Int) {
        decayStart = max(start, warmupSteps)
        totalSteps = max(end, decayBegins + 1)
    }

    public func rate(at step: Int) -> Double {
        let step = max(step, 0)
        // The first warm-up update already moves: rates peak/W, 2·peak/W, …, peak.
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        guard decay != .none, !isPending, step >= decayBegins else { return peak }
        let span = totalSteps - decayBegins
        guard span > 0, step < totalSteps else { return floor }
        let progress = Double(step - decayBegins) / Double(span)
        switch decay {
        case .none: return peak
        case .linear: return floor + (peak - floor) * (1 - progress)
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }

    /// Throws with a message naming the setting at fault.
    public func validate() throws {
        func fail(_ message: String) -> LearningRateScheduleError { LearningRateScheduleError(message: message) }
        guard peak > 0, peak.isFinite else { throw fail("the learning rate must be positive (got \(peak))") }
        guard warmupSteps >= 0 else { throw fail("warm-up steps must be 0 or more (got \(warmupSteps))") }
        guard decay != .none else { return }
        guard floor >= 0, floor <= peak else {
            throw fail("the final learning rate must be between 0 and the peak \(peak) (got \(floor))")
        }
        guard decayBegins >= warmupSteps else {
            throw fail("the decay cannot begin (at step \(decayBegins)) before the warm-up ends (step \(warmupSteps))")
        }
        guard isPending || totalSteps > decayBegins else {
            let start = decayStart == nil ? "warm-up steps (\(warmupSteps))" : "the step it begins at (\(decayBegins))"
            throw fail("a \(decay.rawValue) decay needs more total steps (\(totalSteps)) than \(start)")
        }
    }
}

public struct LearningRateScheduleError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { "invalid learning-rate schedule: \(message)" }
}
