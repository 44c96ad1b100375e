/// The hyper-parameters of a training run: everything that decides the trained weights, stored in every
/// checkpoint so that a resumed run continues with exactly the same settings.
///
/// `TrainingOptions.defaults` is the one place the defaults live; `actlm train --help` shows them from here.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var model: ModelConfig
    public var batch: Int                     // B streams read side by side
    public var seq: Int                       // T bytes per window of truncated BPTT
    public var tau: Double                    // τ, the time penalty
    public var schedule: LearningRateSchedule
    /// The learning rate decays over this last part of the run after warm-up. A run limited by wall time
    /// (`--minutes`) fixes its decay when that part of the session begins: it ends at the step the
    /// session's speed so far says it will reach.
    public var decayFraction: Double
    /// Gradients are scaled down to this global norm when above it; 0 turns clipping off.
    public var clip: Double
    public var seed: UInt64
    /// The last fraction of the corpus kept for validation (when no separate validation file is given).
    public var validFraction: Double
    /// Validation reads at most this many held-out bytes: enough for a stable bpc, few enough to be quick.
    public var validChars: Int
    /// Length of the fixed validation excerpt whose per-byte ponder each checkpoint records.
    public var traceChars: Int
    /// The halting units keep their initial weights for this many steps. Left free from the start they
    /// saturate within a few dozen steps (every byte N = 1, or every byte N = M) while the LSTM has not
    /// yet learnt what a second step could be for, and saturated halting units get no gradient.
    public var haltingWarmup: Int
    /// The halting units' learning rate relative to the rest. Adam moves each of their 2H weights by about
    /// the learning rate per step, which shifts the halting logit by lr · Σ|[h ; c]|: far faster than
    /// any other unit's input; this slows it to the pace of the rest of the model.
    public var haltingLearningRateScale: Double
    /// The learning rate of layer 1's byte rows (its input weights, a lookup table) relative to the rest.
    /// Adam moves every weight by about the learning rate per step, and a gate of layer 1 reads one byte
    /// row at a time where a dense layer sums H weights that move together, so at the common rate a byte's
    /// input changes many times more slowly than anything else in the model (docs/how-it-works.md).
    public var byteLearningRateScale: Double

    /// What a plain `actlm train CORPUS` uses: a model that learns visibly within minutes on two cores and
    /// ponders longer at word boundaries than inside words within its first half hour (docs/results.md).
    /// Chosen by experiment: without state resets, or with τ ≥ 0.015, the halting units settle at one step
    /// everywhere; M = 3 lets layer 1 ponder at boundaries for no loss in bpc at equal wall time, where
    /// M = 4 ponders more and costs bpc, and M = 2 leaves too little room between boundaries and the rest.
    /// ε = 0.1 rather than the paper's 0.01: at 0.01 most bytes took a second step that weighed about 0.01,
    /// a whole step of computation for almost nothing, where 0.1 learns as much per step in fewer steps.
    /// τ = 0.005 rather than 0.01: trained for an hour on a corpus read less than once, layer 1's ponder
    /// marks word boundaries better, at no cost in bpc (docs/results.md, two seeds each).
    public static let defaults = TrainingOptions(
        model: ModelConfig(layers: 2, hidden: 256, maxPonder: 3, epsilon: 0.1, haltingBias: 1, stateReset: 500,
                           haltingInput: .hiddenAndCell, haltingScope: .layer, ponder: .adaptive),
        batch: 32, seq: 100, tau: 0.005,
        schedule: LearningRateSchedule(peak: 2e-3, warmupSteps: 100, decay: .cosine, floor: 1e-4), decayFraction: 0.2,
        clip: 1, seed: 1, validFraction: 0.05, validChars: 100_000, traceChars: 1_000,
        haltingWarmup: 500, haltingLearningRateScale: 1, byteLearningRateScale: 1)

    /// What a setting missing from a checkpoint meant when it was written: checkpoints from before the
    /// halting-unit settings trained without a warm-up, at the full rate. A new setting adds its old meaning
    /// here.
    static let beforeTheirTime: TrainingOptions = {
        var options = defaults
        options.haltingWarmup = 0
        options.haltingLearningRateScale = 1
        options.byteLearningRateScale = 1
        options.decayFraction = 1
        return options
    }()

    /// How the halting units train, for people: "halting units at the learning rate" and the like.
    public var haltingDescription: String {
        if model.ponder == .fixed { return "none: every byte takes K = \(model.maxPonder) steps in every layer" }
        let rate = haltingLearningRateScale == 1 ? "at the learning rate" : "at \(haltingLearningRateScale)× the learning rate"
        let units = model.haltsAsStack ? "layer 1's halting unit, for the whole stack,"
            : "halting units"
        return haltingWarmup > 0 ? "\(units) frozen for \(haltingWarmup) steps, then \(rate)" : "\(units) \(rate)"
    }

    /// The byte rows' rate for people, as `haltingDescription` gives the halting units': "byte rows at
    /// 10.0× the learning rate", or nil at the common rate.
    public var byteRateDescription: String? {
        byteLearningRateScale == 1 ? nil : "byte rows at \(byteLearningRateScale)× the learning rate"
    }

    /// Fixes the decay to span the last `decayFraction` of the steps between the warm-up's end and `end`
    /// (at least one step). `end` must lie beyond the warm-up; a decay ending within it is refused by
    /// validation, not moved.
    public mutating func planDecay(endingAt end: Int) {
        let warmup = schedule.warmupSteps
        let span = Int((decayFraction * Double(end - warmup)).rounded())
        schedule.fixDecay(from: end - max(span, 1), to: end)
    }

    /// The steps a `--minutes` session has left once the last `decayFraction` of its budget has begun,
    /// at the speed it has trained so far; nil before then.
    public func decayStepsLeft(elapsedSeconds elapsed: Double, budgetSeconds budget: Double,
                               sessionSteps: Int) -> Int? {
        guard elapsed > 0, sessionSteps > 0, elapsed >= (1 - decayFraction) * budget else { return nil }
        return Int((max(budget - elapsed, 0) * Double(sessionSteps) / elapsed).rounded())
    }

    /// The decay's share of the run for people: "20%".
    public var decayShare: String { "\(Int((decayFraction * 100).rounded()))%" }

    /// Throws `TrainingError.invalidOption` naming the flag at fault, or when a run of these settings
    /// would not fit in this machine's memory.
    public func validate() throws {
        if let problem { throw TrainingError.invalidOption(problem.message) }
        try TrainingMemory(options: self).checkFits()
    }

    /// The most steps a run counts to: far beyond any run, far below where a step count would overflow.
    public static let largestStep = 1 << 50

    /// The first setting outside what `actlm train` accepts, naming its flag and its field here; a
    /// checkpoint's settings are held to the same limits.
    public var problem: SettingProblem? {
        if let problem = model.problem { return problem.within("model") }
        func require(_ condition: Bool, _ flag: String, _ field: String, _ message: @autoclosure () -> String)
            -> SettingProblem? {
            condition ? nil : SettingProblem(flag: flag, field: field, message: message())
        }
        let checks: [() -> SettingProblem?] = [
            { require(model.stateReset == 0 || model.stateReset >= seq, "--reset-every", "model.stateReset",
                      "--reset-every must be 0 (never) or at least one window of --seq \(seq) bytes (got \(model.stateReset))") },
            { require(batch >= 1 && batch <= 4_096, "--batch", "batch", "--batch must be between 1 and 4096 (got \(batch))") },
            { require(seq >= 1 && seq <= 100_000, "--seq", "seq", "--seq must be between 1 and 100000 (got \(seq))") },
            { require(tau >= 0 && tau <= 1_000, "--tau", "tau",
                      "--tau must be between 0 and 1000 (got \(tau)); the paper used 0.001 to 0.1") },
            { require(schedule.peak <= Double(Float.greatestFiniteMagnitude), "--lr", "schedule.peak",
                      "--lr must be a finite Float, at most \(Float.greatestFiniteMagnitude) (got \(schedule.peak)); "
                      + "the default is \(Self.defaults.schedule.peak)") },
            { require([schedule.warmupSteps, schedule.totalSteps, schedule.decayStart ?? 0, haltingWarmup]
                        .allSatisfy { $0 <= Self.largestStep }, "--warmup", "schedule",
                      "step counts must be at most \(Self.largestStep) (got warm-up \(schedule.warmupSteps), decay "
                      + "\(schedule.decayStart.map(String.init) ?? "from the warm-up") to \(schedule.totalSteps), halting "
                      + "warm-up \(haltingWarmup))") },
            { require(clip >= 0 && clip.isFinite, "--clip", "clip", "--clip must be 0 (no clipping) or more (got \(clip))") },
            { require(validFraction >= 0 && validFraction < 1, "--valid-fraction", "validFraction",
                      "--valid-fraction must be at least 0 and below 1 (got \(validFraction))") },
            { require(validChars >= 2, "--valid-chars", "validChars", "--valid-chars must be at least 2 (got \(validChars))") },
            { require(traceChars >= 0, "--trace-chars", "traceChars", "--trace-chars must be 0 or more (got \(traceChars))") },
            { require(haltingWarmup >= 0, "--halting-warmup", "haltingWarmup",
                      "--halting-warmup must be 0 or more steps (got \(haltingWarmup))") },
            { require(haltingLearningRateScale >= 0 && haltingLearningRateScale <= 1_000, "--halting-lr-scale",
                      "haltingLearningRateScale", "--halting-lr-scale must be between 0 and 1000 (got \(haltingLearningRateScale)); "
                      + "1 trains the halting units at the same rate as the rest") },
            { require(byteLearningRateScale > 0 && byteLearningRateScale <= 1_000, "--byte-lr-scale",
                      "byteLearningRateScale", "--byte-lr-scale must be above 0 and at most 1000 (got \(byteLearningRateScale)); 1 trains "
                      + "the byte rows at the same rate as the rest") },
            { require(decayFraction > 0 && decayFraction <= 1, "--decay-fraction", "decayFraction",
                      "--decay-fraction must be above 0 and at most 1 (got \(decayFraction))") },
            {
                do {
                    try schedule.validate()
                    return nil
                } catch {
                    return SettingProblem(flag: "--lr", field: "schedule", message: "\(error)")
                }
            },
        ]
        for check in checks { if let problem = check() { return problem } }
        return nil
    }
}

extension TrainingOptions {
    /// A setting missing from a stored checkpoint takes its `beforeTheirTime` value.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var options = Self.beforeTheirTime
        func read<T: Decodable>(_ key: CodingKeys, _ field: WritableKeyPath<TrainingOptions, T>) throws {
            if let value = try c.decodeIfPresent(T.self, forKey: key) { options[keyPath: field] = value }
        }
        try read(.model, \.model)
        try read(.batch, \.batch)
        try read(.seq, \.seq)
        try read(.tau, \.tau)
        try read(.schedule, \.schedule)
        try read(.decayFraction, \.decayFraction)
        try read(.clip, \.clip)
        try read(.seed, \.seed)
        try read(.validFraction, \.validFraction)
        try read(.validChars, \.validChars)
        try read(.traceChars, \.traceChars)
        try read(.haltingWarmup, \.haltingWarmup)
        try read(.haltingLearningRateScale, \.haltingLearningRateScale)
        try read(.byteLearningRateScale, \.byteLearningRateScale)
        self = options
    }
}
