import Foundation

/// The learning rate at each update: a constant peak, reached by an optional linear warm-up, then an
/// optional linear or cosine decay to a floor by `totalSteps`, and the floor after that.
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
    /// The update by which the decay reaches `floor`; ignored without decay.
    public var totalSteps: Int
    public var floor: Double

    public init(peak: Double, warmupSteps: Int = 0, decay: Decay = .none, totalSteps: Int = 0, floor: Double = 0) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.decay = decay
        self.totalSteps = totalSteps
        self.floor = floor
    }

    public func rate(at step: Int) -> Double {
        let step = max(step, 0)
        // The first warm-up update already moves: rates peak/W, 2·peak/W, …, peak.
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        guard decay != .none else { return peak }
        let span = totalSteps - warmupSteps
        guard span > 0, step < totalSteps else { return floor }
        let progress = Double(step - warmupSteps) / Double(span)
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
        guard totalSteps > warmupSteps else {
            throw fail("a \(decay.rawValue) decay needs more total steps (\(totalSteps)) than warm-up steps (\(warmupSteps))")
        }
    }
}

public struct LearningRateScheduleError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { "invalid learning-rate schedule: \(message)" }
}
