import Foundation

/// How often a run records metrics, validates and saves, in steps; 0 turns validation or periodic saves off.
public struct TrainingCadence: Equatable, Sendable {
    public var evalEvery: Int
    public var checkpointEvery: Int
    public var logEvery: Int

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

/// Truncated-BPTT training of the ACT-LSTM over a corpus's B streams: the recurrent state is carried from
/// window to window, Adam updates after each window from gradients clipped by global norm, the learning
/// rate follows the schedule, and every step is a pure function of the state a checkpoint records, so a
/// resumed run retraces the original bit for bit.
public final class Trainer {
    /// The run's settings; a decay that waits for the run's speed is fixed in them when it begins.
    public private(set) var options: TrainingOptions
    public let folder: RunFolder
    public let corpus: Corpus
    /// Training bytes read so far.
    public private(set) var chars: Int
    public private(set) var random: RandomSource
    public private(set) var bestValidBPC: Double?
    /// The last validation summary, this session's or the resumed checkpoint's.
    public private(set) var validation: TrainingCheckpoint.ValidationSummary?
    /// The checkpoint saved last (or resumed from): named when training diverges.
    public private(set) var lastCheckpoint: String?
    /// The ranks of a data-parallel run, each training its share of the streams (alone: a single process).
    public let communicator: Communicator
    /// Whether this process prints and writes the run's files (metrics, checkpoints, reports): always alone,
    /// rank 0 of a data-parallel run.
    public var isRoot: Bool { communicator.isRoot }

    private let training: TrainingStep
    private let evaluator: ValidationEvaluator?
    /// nil on the ranks that write nothing.
    private let metrics: MetricsLog?
    private var ponderStats: PonderStats
    private var ponderTrace: PonderTrace
    private let elapsedBefore: Double
    private var session = Stopwatch()

    /// A new run: weights initialised from `options.seed`, metrics.jsonl started afresh in `folder`.
    public convenience init(corpus: Corpus, options: TrainingOptions, folder: RunFolder,
                            communicator: Communicator = SingleProcess()) throws {
        try options.validate()
        var random = RandomSource(seed: options.seed)
        let parameters = ParameterLayout(config: options.model).initialParameters(random: &random)
        try self.init(corpus: corpus, options: options, folder: folder, parameters: parameters,
                      random: random, resumed: nil, communicator: communicator)
    }

    /// Continues the run `checkpoint` (read from `path`) on `corpus`, which must be the one it trained on.
    public convenience init(corpus: Corpus, resuming checkpoint: TrainingCheckpoint, from path: String,
                            folder: RunFolder, communicator: Communicator = SingleProcess()) throws {
        try checkpoint.options.validate()
        let stored = checkpoint.corpus, info = corpus.info
        if stored.trainBytes != info.trainBytes || stored.validBytes != info.validBytes {
            throw TrainingError.corpusChanged(path: corpus.path, detail: "it splits into \(info.trainBytes) training "
                + "and \(info.validBytes) validation bytes, the checkpoint's corpus \(stored.path) into "
                + "\(stored.trainBytes) and \(stored.validBytes)")
        }
        try self.init(corpus: corpus, options: checkpoint.options, folder: folder, parameters: checkpoint.parameters,
                      random: checkpoint.random, resumed: checkpoint, communicator: communicator)
        lastCheckpoint = path
    }

    private init(corpus: Corpus, options: TrainingOptions, folder: RunFolder, parameters: [Float],
                 random: RandomSource, resumed: TrainingCheckpoint?, communicator: Communicator) throws {
        self.options = options
        self.communicator = communicator
        let share = try StreamShare(batch: options.batch, rank: communicator.rank, ranks: communicator.size)
        self.folder = folder
        self.corpus = corpus
        self.random = random
        let config = options.model
        training = try TrainingStep(corpus: corpus, options: options, parameters: parameters, adam: resumed?.adam,
                                    step: resumed?.step ?? 0, positions: resumed?.positions,
                                    networkState: resumed?.networkState, share: share)
        if communicator.size > 1 { training.reduction = communicator }
        evaluator = corpus.info.validBytes > 0
            ? try ValidationEvaluator(corpus: corpus, config: config, validChars: options.validChars,
                                      traceChars: options.traceChars, communicator: communicator)
            : nil
        if communicator.isRoot {
            CheckpointFile.removeStaleTemporaries(in: folder.path)
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
    public func train(limits: TrainingLimits, cadence: TrainingCadence = TrainingCadence(),
                      shouldStop: () -> Bool = { false },
                      report: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        try limits.validate()
        try cadence.validate()
        session = Stopwatch()
        var sessionSteps = 0, sessionChars = 0
        var trainingSeconds = 0.0
        var sinceRecord = WindowLoss(layers: options.model.layers)
        var lastRecorded = sinceRecord
        var saved: String?
        var rate = 0.0, norm = 0.0
        var recordedStep: Int?, savedStep: Int?
        func speed() -> Double { trainingSeconds > 0 ? Double(sessionChars) / trainingSeconds : 0 }
        func record(_ validated: ValidationResult?) throws {
            recordedStep = step
            if sinceRecord.count > 0 { lastRecorded = sinceRecord }
            try metrics?.append(MetricsRecord(
                step: step, chars: chars, elapsedSeconds: elapsedBefore + session.seconds,
                trainBPC: lastRecorded.bitsPerCharacter, validBPC: validated?.bpc, learningRate: rate,
                gradNorm: norm, meanRho: lastRecorded.meanPonder, charsPerSecond: speed()))
            sinceRecord = WindowLoss(layers: options.model.layers)
        }
        func validateAndSave() throws {
            let result = try validateRecordingBest(report: report)
            try record(result)
            saved = try save(best: result.map { $0.bpc == bestValidBPC } ?? false, report: report)
            savedStep = step
        }
        func outcome(_ reason: StopReason) -> TrainingOutcome {
            TrainingOutcome(reason: reason, step: step, chars: chars, epochs: epochs, sessionSteps: sessionSteps,
                            charsPerSecond: speed(), validation: validation, bestValidBPC: bestValidBPC,
                            saved: saved)
        }

        while true {
            // Every rank stops at the same step, for the reason of whichever saw one first.
            let local = limits.reached(step: step, chars: chars, epochs: epochs, sessionSeconds: session.seconds)
                ?? (shouldStop() ? .signal : nil)
            let reason = communicator.size > 1 ? communicator.agree(on: local) : local
            if let reason, reason != .signal {
                let upToDate = savedStep == step && (evaluator == nil || validation?.step == step)
                if sessionSteps > 0 && !upToDate { try validateAndSave() }
                return outcome(reason)
            }
            if reason == .signal {
                if sessionSteps > 0 && savedStep != step {
                    if recordedStep != step { try record(nil) }
                    saved = try save(best: false, report: report)
                }
                return outcome(.signal)
            }
            fixPendingDecay(limits: limits, sessionSteps: sessionSteps, report: report)
            let watch = Stopwatch()
            let taken = try takeStep()
            rate = taken.learningRate
            norm = taken.gradNorm
            trainingSeconds += watch.seconds
            sessionSteps += 1
            sessionChars += taken.loss.count
            sinceRecord.add(taken.loss)

            let validating = evaluator != nil && cadence.evalEvery > 0 && step % cadence.evalEvery == 0
            let recorded = step % cadence.logEvery == 0
            let shown = sinceRecord
            if validating {
                try validateAndSave()
            } else {
                if recorded { try record(nil) }
                if cadence.checkpointEvery > 0 && step % cadence.checkpointEvery == 0 {
                    saved = try save(best: false, report: report)
                    savedStep = step
                }
            }
            report(.progress(TrainingProgress(
                step: step, chars: chars, epochs: epochs, trainBPC: shown.bitsPerCharacter, meanRho: shown.meanPonder,
                learningRate: rate, gradNorm: norm, charsPerSecond: speed(),
                etaSeconds: limits.remainingSeconds(step: step, chars: chars, charsPerStep: options.batch * options.seq,
                                                    trainBytes: corpus.info.trainBytes,
                                                    sessionSeconds: session.seconds, charsPerSecond: speed()),
                isRecorded: recorded || validating)))
        }
    }

    /// A decay over the last `decayFraction` of `--minutes` begins once that fraction of the session is
    /// left, and ends at the step the session's speed so far says it will reach. Fixed then and stored in
    /// every checkpoint, it is followed step by step from there, so a resumed run retraces it exactly.
    private func fixPendingDecay(limits: TrainingLimits, sessionSteps: Int, report: (TrainingEvent) -> Void) {
        guard options.schedule.isPending, let minutes = limits.minutes else { return }
        let left = options.decayStepsLeft(elapsedSeconds: session.seconds, budgetSeconds: minutes * 60,
                                          sessionSteps: sessionSteps)
        // The root's clock decides for every rank, so all replicas keep one schedule: -1 while not yet due.
        var remaining = Int64(left ?? -1)
        if communicator.size > 1 { remaining = communicator.broadcast(remaining) }
        guard remaining >= 0 else { return }
        options.schedule.fixDecay(from: step, to: step + Int(remaining))
        training.schedule = options.schedule
        report(.decayFixed(options.schedule))
    }

    /// One training step; a divergence names the last checkpoint, which only the trainer knows.
    private func takeStep() throws -> TrainingStep.Outcome {
        do {
            let taken = try training.run()
            chars += taken.loss.count
            return taken
        } catch let TrainingError.diverged(step, quantity, value, rate, _) {
            throw TrainingError.diverged(step: step, quantity: quantity, value: value, learningRate: rate,
                                         lastCheckpoint: lastCheckpoint)
        }
    }

    private func diverged(_ quantity: String, _ value: Double, _ rate: Double) -> TrainingError {
        .diverged(step: step + 1, quantity: quantity, value: value, learningRate: rate, lastCheckpoint: lastCheckpoint)
    }

    // MARK: Validation

    /// Scores the current weights on the held-out bytes without touching the training state; nil when
    /// the corpus has no validation part.
    /// A data-parallel run splits the segments among its ranks: all must call it together.
    public func validate() throws -> ValidationResult? {
        guard let evaluator else { return nil }
        return try evaluator.evaluate(parameters: parameters, step: step)
    }

    /// Validates (unless this step already was), keeps the statistics for the next checkpoint and notes a
    /// new best; a non-finite bpc is divergence.
    private func validateRecordingBest(report: (TrainingEvent) -> Void) throws -> ValidationResult? {
        guard let result = try validate() else { return nil }
        guard result.bpc.isFinite else {
            throw TrainingError.diverged(step: step, quantity: "validation loss", value: result.bpc,
                                         learningRate: options.schedule.rate(at: max(step - 1, 0)),
                                         lastCheckpoint: lastCheckpoint)
        }
        validation = TrainingCheckpoint.ValidationSummary(result)
        ponderStats = result.stats
        ponderTrace = result.trace
        let improved = bestValidBPC.map { result.bpc < $0 } ?? true
        if improved { bestValidBPC = result.bpc }
        report(.validated(result, improved: improved))
        return result
    }

    // MARK: Checkpoints

    /// Everything needed to continue exactly from here. In a data-parallel run every rank must call it
    /// together: the root gathers every stream's position and state, as one process would hold them (the
    /// other ranks get only their own streams').
    public func checkpoint() -> TrainingCheckpoint {
        let share = training.share
        let positions = communicator.gather(training.positions)
        let state = share.assemble(parts: communicator.gather(training.networkState), hidden: options.model.hidden)
        return TrainingCheckpoint(options: options, corpus: TrainingCheckpoint.CorpusIdentity(corpus.info), step: step,
                                  chars: chars, elapsedSeconds: elapsedBefore + session.seconds,
                                  bestValidBPC: bestValidBPC, validation: validation, parameters: parameters,
                                  adam: adam, positions: positions, networkState: state, random: random,
                                  history: metrics?.records ?? [], ponderStats: ponderStats, ponderTrace: ponderTrace)
    }

    /// Rewrites report.html in the run folder; one that cannot be written is a warning, not an end.
    private func writeRunReport(_ checkpoint: TrainingCheckpoint, metrics: MetricsLog,
                                report: (TrainingEvent) -> Void) {
        do {
            try RunReportPage(runs: [ReportRun(training: folder, records: metrics.records, metricsPath: metrics.path,
                                               checkpoint: checkpoint, checkpointPath: folder.latest)])
                .write(toFile: folder.report)
        } catch {
            report(.warning("\(error)"))
        }
    }

    /// Writes latest.ckpt (and best.ckpt) atomically; weights that are not all finite are never written.
    private func save(best: Bool, report: (TrainingEvent) -> Void) throws -> String {
        if let bad = parameters.firstIndex(where: { !$0.isFinite }) {
            throw diverged("weight \(bad)", Double(parameters[bad]), options.schedule.rate(at: max(step - 1, 0)))
        }
        if communicator.size > 1, !communicator.allAgree(on: ParameterChecksum.of(parameters)) {
            throw DataParallelError.replicasDiffer(step: step, lastCheckpoint: lastCheckpoint)
        }
        let checkpoint = checkpoint()
        guard isRoot else {
            lastCheckpoint = folder.latest
            return folder.latest
        }
        let file = try checkpoint.file()
        try file.write(to: folder.latest)
        lastCheckpoint = folder.latest
        report(.saved(path: folder.latest, step: step))
        if best {
            try file.write(to: folder.best)
            report(.saved(path: folder.best, step: step))
        }
        // After a validation, the run's page shows it.
        if validation?.step == step, let metrics { writeRunReport(checkpoint, metrics: metrics, report: report) }
        return folder.latest
    }
}
