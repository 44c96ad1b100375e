/// What `Trainer.train` reports as it goes.
public enum TrainingEvent {
    case progress(TrainingProgress)
    /// `improved`: the best validation bpc of the run so far, saved as best.ckpt.
    case validated(ValidationResult, improved: Bool)
    case saved(path: String, step: Int)
    /// A decay that waited for the run's speed begins now: the schedule as fixed.
    case decayFixed(LearningRateSchedule)
    /// Something went wrong that does not stop training (the run's report could not be written).
    case warning(String)
}

/// Where training stands after a step; reported after every one.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var chars: Int
    public var epochs: Double
    /// Training bpc and mean ρ per layer over the steps since the last metrics record.
    public var trainBPC: Double
    public var meanRho: [Double]
    public var learningRate: Double
    /// ‖g‖₂ of this step before clipping.
    public var gradNorm: Double
    /// Training bytes per second of this session, validation and saving not counted.
    public var charsPerSecond: Double
    /// Until the nearest stop limit, at the current speed.
    public var etaSeconds: Double?
    /// True on the steps that wrote a metrics record: plain (non-terminal) output prints those.
    public var isRecorded: Bool
}
