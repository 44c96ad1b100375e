/// How a call to `train` ended.
public struct TrainingOutcome: Sendable {
    public var reason: StopReason
    public var step: Int
    public var chars: Int
    public var epochs: Double
    /// Steps taken in this call.
    public var sessionSteps: Int
    public var charsPerSecond: Double
    public var validation: TrainingCheckpoint.ValidationSummary?
    public var bestValidBPC: Double?
    /// The checkpoint written last in this call, if any.
    public var saved: String?
}
