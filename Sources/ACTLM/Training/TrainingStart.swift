/// Where a run's training starts, fresh or resumed, and the one way to build its `TrainingStep`:
/// `Trainer`, `actlm bench` and the scoring bench all start here.
public struct TrainingStart {
    public let options: TrainingOptions
    public let parameters: [Float]
    /// The seeded generator after the weights were drawn, as checkpoints keep it.
    public let random: RandomSource
    /// The run continued, or nil for a new one.
    public let resumed: TrainingCheckpoint?

    /// A new run: its options checked, weights drawn from `options.seed`.
    public static func fresh(_ options: TrainingOptions) throws -> TrainingStart {
        try options.validate()
        var random = RandomSource(seed: options.seed)
        let parameters = ParameterLayout(config: options.model).initialParameters(random: &random)
        return TrainingStart(options: options, parameters: parameters, random: random, resumed: nil)
    }

    /// The run `checkpoint` continued on `corpus`, which must split as the checkpoint's corpus did.
    public static func resuming(_ checkpoint: TrainingCheckpoint, on corpus: Corpus) throws -> TrainingStart {
        try checkpoint.options.validate()
        let stored = checkpoint.corpus, info = corpus.info
        if stored.trainBytes != info.trainBytes || stored.validBytes != info.validBytes {
            throw TrainingError.corpusChanged(path: corpus.path, detail: "it splits into \(info.trainBytes) training "
                + "and \(info.validBytes) validation bytes, the checkpoint's corpus \(stored.path) into "
                + "\(stored.trainBytes) and \(stored.validBytes)")
        }
        return TrainingStart(options: checkpoint.options, parameters: checkpoint.parameters, random: checkpoint.random,
                             resumed: checkpoint)
    }

    /// The step that trains from here on `corpus`, on this replica's `share` of the streams (nil: all),
    /// multiplying on `context`.
    public func step(corpus: Corpus, share: StreamShare? = nil, context: ComputeContext = .process) throws -> TrainingStep {
        try TrainingStep(corpus: corpus, options: options, parameters: parameters, adam: resumed?.adam,
                         step: resumed?.step ?? 0, positions: resumed?.positions, networkState: resumed?.networkState,
                         share: share, context: context)
    }
}
