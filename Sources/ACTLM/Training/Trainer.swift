import Foundation

/// Truncated-BPTT training of the ACT-LSTM over a corpus's B streams: the recurrent state is carried from
/// window to window, Adam updates after each window from gradients clipped by global norm, the learning
/// rate follows the schedule, and every step is a pure function of the state a checkpoint records, so a
/// resumed run retraces the original bit for bit.
public final class Trainer {
    /// The run's settings (its step's); a decay that waits for the run's speed is fixed in them when it begins.
    public var options: TrainingOptions { training.options }
    public let folder: RunFolder
    public let corpus: Corpus
    /// Training bytes read so far.
    public private(set) var chars: Int
    public private(set) var random: RandomSource
    public internal(set) var bestValidBPC: Double?
    /// The last validation summary, this session's or the resumed checkpoint's.
    public internal(set) var validation: TrainingCheckpoint.ValidationSummary?
    /// The checkpoint saved last (or resumed from): named when training diverges.
    public var lastCheckpoint: String? { training.lastCheckpoint }
    /// The ranks of a data-parallel run, each training its share of the streams (alone: a single process).
    public let communicator: Communicator
    /// Whether this process prints and writes the run's files (metrics, checkpoints, reports): always alone,
    /// rank 0 of a data-parallel run.
    public var isRoot: Bool { communicator.isRoot }

    let training: TrainingStep
    let evaluator: ValidationEvaluator?
    /// nil on the ranks that write nothing.
    let metrics: MetricsLog?
    var ponderStats: PonderStats
    var ponderTrace: PonderTrace
    let elapsedBefore: Double
    var session = Stopwatch()
    var tally = SessionTally(layers: 0)

    /// A new run: weights initialised from `options.seed`, metrics.jsonl started afresh in `folder`.
    public convenience init(corpus: Corpus, options: TrainingOptions, folder: RunFolder,
                            communicator: Communicator = SingleProcess(), context: ComputeContext = .process) throws {
        try self.init(corpus: corpus, start: .fresh(options), folder: folder, communicator: communicator,
                      context: context)
    }

    /// Continues the run `checkpoint` (read from `path`) on `corpus`, which must be the one it trained on.
    public convenience init(corpus: Corpus, resuming checkpoint: TrainingCheckpoint, from path: String,
                            folder: RunFolder, communicator: Communicator = SingleProcess(),
                            context: ComputeContext = .process) throws {
        try self.init(corpus: corpus, start: .resuming(checkpoint, on: corpus), folder: folder,
                      communicator: communicator, context: context)
        training.lastCheckpoint = path
    }

    private init(corpus: Corpus, start: TrainingStart, folder: RunFolder, communicator: Communicator,
                 context: ComputeContext) throws {
        let options = start.options, resumed = start.resumed
        self.communicator = communicator
        let share = try StreamShare(batch: options.batch, rank: communicator.rank, ranks: communicator.size)
        self.folder = folder
        self.corpus = corpus
        random = start.random
        let config = options.model
        training = try start.step(corpus: corpus, share: share, context: context)
        if communicator.size > 1 { training.reduction = communicator }
        evaluator = corpus.info.validBytes > 0
            ? try ValidationEvaluator(corpus: corpus, config: config, validChars: options.validChars,
                                      traceChars: options.traceChars, communicator: communicator, context: context)
            : nil
        if communicator.isRoot {
            AtomicFile.removeStaleTemporaries(in: folder.path)
            metrics = try MetricsLog(directory: folder.path, history: resumed?.history ?? [])
        } else {
            metrics = nil
        }
        if let resumed {
            chars = resumed.chars
            bestValidBPC = resumed.bestValidBPC
            validation = resumed.validation
            ponderStats = resumed.ponderStats
            ponderTrace = resumed.ponderTrace
            elapsedBefore = resumed.elapsedSeconds
        } else {
            chars = 0
            ponderStats = PonderStats(layers: config.layers, maxPonder: config.maxPonder)
            ponderTrace = PonderTrace(text: [], layers: config.layers)
            elapsedBefore = 0
        }
    }

    public var step: Int { training.step }
    /// The flat parameter buffer (ParameterLayout order).
    public var parameters: [Float] {
        get { training.parameters }
        set { training.parameters = newValue }
    }
    public var adam: Adam { training.adam }

    public var epochs: Double { Double(chars) / Double(corpus.info.trainBytes) }

    /// Held-out bytes the validation reads (0 without a validation part).
    public var validationChars: Int { evaluator?.bytes ?? 0 }

    // MARK: Training

    /// Trains until a limit in `limits` is reached or `shouldStop` says so, validating, recording metrics
    /// and saving as `cadence` says. A limit ends with a validation and a save; a stop request saves at
    /// once. A non-finite loss or gradient throws `TrainingError.diverged` before anything is saved.
    public func train(limits: TrainingLimits, cadence: TrainingCadence = .defaults,
                      shouldStop: () -> Bool = { false },
                      report: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        try limits.validate()
        try cadence.validate()
        session = Stopwatch()
        tally = SessionTally(layers: options.model.layers)
        while true {
            // Every rank stops at the same step, for the reason of whichever saw one first.
            let local = limits.reached(step: step, chars: chars, epochs: epochs, sessionSeconds: session.seconds)
                ?? (shouldStop() ? .signal : nil)
            if let reason = communicator.size > 1 ? communicator.agree(on: local) : local {
                try finish(reason, report: report)
                return outcome(reason)
            }
            fixPendingDecay(limits: limits, report: report)
            try takeStep()
            let validating = evaluator != nil && cadence.evalEvery > 0 && step % cadence.evalEvery == 0
            let recorded = step % cadence.logEvery == 0
            let shown = tally.sinceRecord
            if validating {
                try validateAndSave(report: report)
            } else {
                if recorded { try record(nil) }
                if cadence.checkpointEvery > 0 && step % cadence.checkpointEvery == 0 {
                    try save(best: false, report: report)
                }
            }
            report(.progress(progress(shown, isRecorded: recorded || validating, limits: limits)))
        }
    }

    /// What this call to `train` has done so far.
    struct SessionTally {
        var steps = 0, chars = 0
        var trainingSeconds = 0.0
        /// The steps since the last metrics record, and the last record's (kept while no step comes between).
        var sinceRecord: WindowLoss, lastRecorded: WindowLoss
        var rate = 0.0, norm = 0.0
        var recordedStep: Int?, savedStep: Int?
        var saved: String?

        init(layers: Int) {
            sinceRecord = WindowLoss(layers: layers)
            lastRecorded = sinceRecord
        }

        /// Training bytes per second of this session, validation and saving not counted.
        var speed: Double { trainingSeconds > 0 ? Double(chars) / trainingSeconds : 0 }
    }

    /// A limit ends with a validation and a save, unless this step had both; a stop request saves at once.
    private func finish(_ reason: StopReason, report: (TrainingEvent) -> Void) throws {
        guard tally.steps > 0 else { return }
        if reason == .signal {
            guard tally.savedStep != step else { return }
            if tally.recordedStep != step { try record(nil) }
            try save(best: false, report: report)
        } else if tally.savedStep != step || (evaluator != nil && validation?.step != step) {
            try validateAndSave(report: report)
        }
    }

    private func outcome(_ reason: StopReason) -> TrainingOutcome {
        TrainingOutcome(reason: reason, step: step, chars: chars, epochs: epochs, sessionSteps: tally.steps,
                        charsPerSecond: tally.speed, validation: validation, bestValidBPC: bestValidBPC,
                        saved: tally.saved)
    }

    /// One training step, timed and added to the session's tally.
    private func takeStep() throws {
        let watch = Stopwatch()
        let taken = try training.run()
        chars += taken.loss.count
        tally.rate = taken.learningRate
        tally.norm = taken.gradNorm
        tally.trainingSeconds += watch.seconds
        tally.steps += 1
        tally.chars += taken.loss.count
        tally.sinceRecord.add(taken.loss)
    }

    /// A decay over the last `decayFraction` of `--minutes` begins once that fraction of the session is
    /// left, and ends at the step the session's speed so far says it will reach. Fixed then and stored in
    /// every checkpoint, it is followed step by step from there, so a resumed run retraces it exactly.
    private func fixPendingDecay(limits: TrainingLimits, report: (TrainingEvent) -> Void) {
        guard options.schedule.isPending, let minutes = limits.minutes else { return }
        let left = options.decayStepsLeft(elapsedSeconds: session.seconds, budgetSeconds: minutes * 60,
                                          sessionSteps: tally.steps)
        // The root's clock decides for every rank, so all replicas keep one schedule: -1 while not yet due.
        var remaining = Int64(left ?? -1)
        if communicator.size > 1 { remaining = communicator.broadcast(remaining) }
        guard remaining >= 0 else { return }
        training.options.schedule.fixDecay(from: step, to: step + Int(remaining))
        report(.decayFixed(options.schedule))
    }
}
