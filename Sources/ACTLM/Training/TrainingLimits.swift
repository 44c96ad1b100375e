/// When a run stops by itself. Steps, bytes and epochs count the whole run, across resumes, so
/// `--steps 1000` means "train up to update 1000"; minutes count this session's wall time.
public struct TrainingLimits: Equatable, Sendable {
    public var steps: Int?
    public var chars: Int?
    public var epochs: Double?
    public var minutes: Double?

    public init(steps: Int? = nil, chars: Int? = nil, epochs: Double? = nil, minutes: Double? = nil) {
        self.steps = steps
        self.chars = chars
        self.epochs = epochs
        self.minutes = minutes
    }

    public var isUnlimited: Bool { steps == nil && chars == nil && epochs == nil && minutes == nil }

    public func validate() throws {
        if let steps, steps < 0 { throw TrainingError.invalidOption("--steps must be 0 or more (got \(steps))") }
        if let chars, chars < 0 { throw TrainingError.invalidOption("--chars must be 0 or more (got \(chars))") }
        if let epochs, !(epochs >= 0 && epochs.isFinite) {
            throw TrainingError.invalidOption("--epochs must be 0 or more (got \(epochs))")
        }
        if let minutes, !(minutes >= 0 && minutes.isFinite) {
            throw TrainingError.invalidOption("--minutes must be 0 or more (got \(minutes))")
        }
    }

    /// The first limit reached, if any.
    public func reached(step: Int, chars: Int, epochs: Double, sessionSeconds: Double) -> StopReason? {
        if let steps, step >= steps { return .steps }
        if let limit = self.chars, chars >= limit { return .chars }
        if let limit = self.epochs, epochs >= limit { return .epochs }
        if let minutes, sessionSeconds >= minutes * 60 { return .minutes }
        return nil
    }

    /// Seconds until the nearest limit at the current speed; nil without limits or before any speed is known.
    public func remainingSeconds(step: Int, chars: Int, charsPerStep: Int, trainBytes: Int64,
                                 sessionSeconds: Double, charsPerSecond: Double) -> Double? {
        guard charsPerSecond > 0 else { return nil }
        var remaining: [Double] = []
        if let steps { remaining.append(Double((steps - step) * charsPerStep) / charsPerSecond) }
        if let limit = self.chars { remaining.append(Double(limit - chars) / charsPerSecond) }
        if let epochs { remaining.append((epochs * Double(trainBytes) - Double(chars)) / charsPerSecond) }
        if let minutes { remaining.append(minutes * 60 - sessionSeconds) }
        return remaining.min().map { max($0, 0) }
    }
}

/// Why a run stopped.
public enum StopReason: String, Codable, Equatable, Sendable {
    case steps, chars, epochs, minutes
    /// Ctrl-C or SIGTERM.
    case signal

    public var flag: String {
        switch self {
        case .steps: return "--steps"
        case .chars: return "--chars"
        case .epochs: return "--epochs"
        case .minutes: return "--minutes"
        case .signal: return "a stop signal"
        }
    }
}
