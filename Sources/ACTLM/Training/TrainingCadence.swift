/// How often a run records metrics, validates and saves, in steps; 0 turns validation or periodic saves off.
public struct TrainingCadence: Equatable, Sendable {
    public var evalEvery: Int
    public var checkpointEvery: Int
    public var logEvery: Int

    /// What `actlm train` uses unless told otherwise.
    public static let defaults = TrainingCadence()

    public init(evalEvery: Int = 500, checkpointEvery: Int = 500, logEvery: Int = 50) {
        self.evalEvery = evalEvery
        self.checkpointEvery = checkpointEvery
        self.logEvery = logEvery
    }

    public func validate() throws {
        for (flag, value) in [("--eval-every", evalEvery), ("--checkpoint-every", checkpointEvery)] where value < 0 {
            throw TrainingError.invalidOption("\(flag) must be 0 (never) or more (got \(value))")
        }
        if logEvery < 1 { throw TrainingError.invalidOption("--log-every must be at least 1 (got \(logEvery))") }
    }
}
