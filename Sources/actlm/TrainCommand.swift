import ArgumentParser
import ACTLM
import Foundation

private let defaults = TrainingOptions.defaults
private let defaultCadence = TrainingCadence()

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an ACT-LSTM byte model on a corpus, with checkpoints you can resume.",
        discussion: """
            Reads the corpus as B streams at evenly spaced offsets and trains by truncated backprop \
            through time in windows of T bytes, carrying the recurrent state from window to window. \
            The last part of the corpus (--valid-fraction) is held out: every --eval-every steps the \
            model is scored on it (bits per character and mean ponder per layer).

            Everything goes to a run folder, <checkpoint-dir>/<run-name>/: latest.ckpt (every \
            --checkpoint-every steps, at every validation and when training stops), best.ckpt (the \
            best validation bpc so far) and metrics.jsonl (one JSON object per --log-every steps). \
            Checkpoints are written to a temporary file and renamed, so a crash never damages one.

            Training stops at --steps, --chars, --epochs or --minutes, whichever comes first, or on \
            Ctrl-C or SIGTERM, which save a checkpoint and exit cleanly (a second Ctrl-C stops at once). \
            Without any limit it runs until stopped. --resume continues a run exactly where it stopped, \
            with the settings stored in its checkpoint; steps, chars and epochs count the whole run.

            Under mpirun -np K, K processes train the same model together, each on --batch/K of the \
            streams, and rank 0 writes the run folder; a run checkpointed with any K resumes with any \
            other (see the README).

            Examples:
              actlm train corpora/wiki.gz
              actlm train corpora/wiki.gz --minutes 10 --run-name first
              actlm train corpora/wiki.gz --max-ponder 1 --run-name lstm-baseline --steps 5000
              actlm train --resume latest --steps 20000
              mpirun -np 2 actlm train corpora/wiki.gz --run-name pair
            """
    )

    @Argument(help: "The corpus (gzip, zlib or plain text); with --resume, the checkpoint's corpus by default.")
    var corpus: String?

    @OptionGroup(title: "Model") var model: ModelFlags
    @OptionGroup(title: "Optimisation") var optimisation: OptimisationFlags
    @OptionGroup(title: "Data") var data: DataFlags
    @OptionGroup(title: "When to stop") var stop: StopFlags
    @OptionGroup(title: "Checkpoints and output") var output: OutputFlags

    func run() throws {
        let communicator = MPICommunicator.forThisProcess()
        guard communicator.size > 1 else {
            defer { communicator.finish() }  // a launcher's single rank has MPI started: end it
            try train(communicator)
            return
        }
        // One of K ranks under mpirun: any failure ends the whole job, so no rank waits for it forever.
        if let local = (communicator as? MPICommunicator)?.localSize { BLASThreads.shareCores(among: local) }
        do {
            let reason = try train(communicator)
            // After a signal mpirun tears the job down: it kills the others as soon as one rank exits and
            // no longer answers MPI_Finalize. So all wait until rank 0 has saved, then leave at once.
            if reason == .signal {
                _ = communicator.agree(on: nil)
                fflush(stdout)
                Foundation.exit(0)
            }
        } catch {
            FileHandle.standardError.write(Data("Error (rank \(communicator.rank) of \(communicator.size)): \(error)\n".utf8))
            communicator.abort(status: 1)
        }
        communicator.finish()
    }

    @discardableResult
    private func train(_ communicator: Communicator) throws -> StopReason {
        let limits = TrainingLimits(steps: stop.steps, chars: stop.chars, epochs: stop.epochs, minutes: stop.minutes)
        let cadence = TrainingCadence(evalEvery: output.evalEvery ?? defaultCadence.evalEvery,
                                      checkpointEvery: output.checkpointEvery ?? defaultCadence.checkpointEvery,
                                      logEvery: output.logEvery ?? defaultCadence.logEvery)
        try limits.validate()
        try cadence.validate()
        let trainer = try output.resume == nil ? startRun(communicator) : resumeRun(output.resume!, communicator)
        // Rank 0 alone speaks for a data-parallel run.
        let console = trainer.isRoot ? TrainingConsole(trainer: trainer, limits: limits, cadence: cadence) : nil
        console?.announce()
        if communicator.size > 1 { StopSignals.installForRank() } else { StopSignals.install() }
        do {
            let outcome = try trainer.train(limits: limits, cadence: cadence,
                                            shouldStop: { StopSignals.received != nil },
                                            report: { console?.show($0) })
            console?.summarise(outcome)
            if let mpi = communicator as? MPICommunicator, mpi.isRoot, mpi.gradientSums > 0 {
                print(String(format: "all-reduce %.2f ms per step (%d ranks; waiting for the slowest included)",
                             1000 * mpi.gradientSumSeconds / Double(mpi.gradientSums), mpi.size))
            }
            return outcome.reason
        } catch {
            console?.endLine()
            throw error
        }
    }

    private func startRun(_ communicator: Communicator) throws -> Trainer {
        guard let corpusPath = corpus else {
            throw ValidationError("give the corpus to train on (e.g. actlm train corpora/wiki.gz), or --resume a run")
        }
        let options = try newOptions()
        try options.validate()
        _ = try StreamShare(batch: options.batch, rank: communicator.rank, ranks: communicator.size)
        let corpus = try Corpus(path: corpusPath, validFraction: options.validFraction, validPath: data.valid)
        // The root makes the run folder; the other ranks only need its name.
        let folder = communicator.isRoot
            ? try RunFolder.create(root: output.checkpointDir, name: output.runName ?? RunFolder.timestampName())
            : nil
        let path = communicator.size > 1 ? communicator.broadcast(folder?.path ?? "") : folder!.path
        do {
            return try Trainer(corpus: corpus, options: options, folder: RunFolder(path: path), communicator: communicator)
        } catch {
            if communicator.isRoot { rmdir(path) }  // only if still empty: a failed start leaves no run folder behind
            throw error
        }
    }

    private func resumeRun(_ resume: String, _ communicator: Communicator) throws -> Trainer {
        var path = resume
        if resume == "latest" {
            // Found by the root, so every rank resumes the same file.
            path = communicator.isRoot ? try CheckpointFinder.newest(under: output.checkpointDir, for: .resume) : ""
            if communicator.size > 1 { path = communicator.broadcast(path) }
        }
        let checkpoint = try TrainingCheckpoint.read(from: path)
        let conflicts = self.conflicts(with: checkpoint)
        if !conflicts.isEmpty { throw TrainingError.resumeConflict(conflicts) }
        let corpus = try Corpus(path: self.corpus ?? checkpoint.corpus.path,
                                validFraction: checkpoint.options.validFraction,
                                validPath: data.valid ?? checkpoint.corpus.validPath)
        return try Trainer(corpus: corpus, resuming: checkpoint, from: path, folder: RunFolder.containing(path),
                           communicator: communicator)
    }

    /// The defaults with the flags given applied.
    private func newOptions() throws -> TrainingOptions {
        var options = defaults
        options.model.layers = model.layers ?? options.model.layers
        options.model.hidden = model.hidden ?? options.model.hidden
        options.model.maxPonder = model.maxPonder ?? options.model.maxPonder
        options.model.haltingBias = model.haltingBias ?? options.model.haltingBias
        options.model.stateReset = model.resetEvery ?? options.model.stateReset
        options.haltingWarmup = model.haltingWarmup ?? options.haltingWarmup
        options.haltingLearningRateScale = model.haltingLearningRateScale ?? options.haltingLearningRateScale
        options.batch = optimisation.batch ?? options.batch
        options.seq = optimisation.seq ?? options.seq
        options.tau = optimisation.tau ?? options.tau
        options.clip = optimisation.clip ?? options.clip
        options.seed = optimisation.seed ?? options.seed
        var schedule = options.schedule
        schedule.peak = optimisation.lr ?? schedule.peak
        schedule.warmupSteps = optimisation.warmup ?? schedule.warmupSteps
        schedule.decay = optimisation.decay ?? schedule.decay
        schedule.floor = optimisation.lrFinal ?? schedule.floor
        if schedule.decay != .none {
            guard let total = optimisation.decaySteps ?? stop.steps else {
                throw ValidationError("--decay \(schedule.decay.rawValue) needs --decay-steps or --steps: "
                                      + "the step by which the learning rate reaches --lr-final")
            }
            schedule.totalSteps = total
        }
        options.schedule = schedule
        options.validFraction = data.validFraction ?? options.validFraction
        options.validChars = data.validChars ?? options.validChars
        options.traceChars = data.traceChars ?? options.traceChars
        return options
    }

    /// Flags given with --resume that differ from the checkpoint's settings.
    private func conflicts(with checkpoint: TrainingCheckpoint) -> [String] {
        let stored = checkpoint.options
        var found: [String] = []
        func check<T: Equatable>(_ flag: String, _ given: T?, _ kept: T) {
            if let given, given != kept { found.append("\(flag) \(given) differs from the checkpoint's \(kept)") }
        }
        check("--layers", model.layers, stored.model.layers)
        check("--hidden", model.hidden, stored.model.hidden)
        check("--max-ponder", model.maxPonder, stored.model.maxPonder)
        check("--halting-bias", model.haltingBias, stored.model.haltingBias)
        check("--reset-every", model.resetEvery, stored.model.stateReset)
        check("--halting-warmup", model.haltingWarmup, stored.haltingWarmup)
        check("--halting-lr-scale", model.haltingLearningRateScale, stored.haltingLearningRateScale)
        check("--batch", optimisation.batch, stored.batch)
        check("--seq", optimisation.seq, stored.seq)
        check("--tau", optimisation.tau, stored.tau)
        check("--lr", optimisation.lr, stored.schedule.peak)
        check("--warmup", optimisation.warmup, stored.schedule.warmupSteps)
        check("--decay", optimisation.decay, stored.schedule.decay)
        check("--decay-steps", optimisation.decaySteps, stored.schedule.totalSteps)
        check("--lr-final", optimisation.lrFinal, stored.schedule.floor)
        check("--clip", optimisation.clip, stored.clip)
        check("--seed", optimisation.seed, stored.seed)
        check("--valid-fraction", data.validFraction, stored.validFraction)
        check("--valid-chars", data.validChars, stored.validChars)
        check("--trace-chars", data.traceChars, stored.traceChars)
        if output.runName != nil {
            found.append("--run-name does not apply: a resumed run goes on in the checkpoint's folder")
        }
        return found
    }
}

struct ModelFlags: ParsableArguments {
    @Option(help: "Stacked ACT-LSTM layers L (default \(defaults.model.layers)).")
    var layers: Int?

    @Option(help: "Hidden units per layer H (default \(defaults.model.hidden)).")
    var hidden: Int?

    @Option(name: .customLong("max-ponder"),
            help: "Most ponder steps per byte and layer M (default \(defaults.model.maxPonder)); 1 is a plain LSTM.")
    var maxPonder: Int?

    @Option(name: .customLong("halting-bias"),
            help: "Initial halting-unit bias (default \(defaults.model.haltingBias): an untrained layer takes 2 steps).")
    var haltingBias: Double?

    @Option(name: .customLong("halting-warmup"),
            help: "Steps during which the halting units keep their initial weights (default \(defaults.haltingWarmup)).")
    var haltingWarmup: Int?

    @Option(name: .customLong("halting-lr-scale"),
            help: "Learning rate of the halting units relative to the rest (default \(defaults.haltingLearningRateScale)).")
    var haltingLearningRateScale: Double?

    @Option(name: .customLong("reset-every"),
            help: ArgumentHelp("Zero each stream's recurrent state every this many bytes, 0 never "
                               + "(default \(defaults.model.stateReset)).",
                               discussion: "Without resets some cells count without bound over a long stream and "
                               + "the halting units, which read the cell state, stop learning. Sample, eval and "
                               + "ponder-map reset the same way."))
    var resetEvery: Int?
}

struct OptimisationFlags: ParsableArguments {
    @Option(help: "Streams trained side by side B (default \(defaults.batch)).")
    var batch: Int?

    @Option(help: "Bytes per window of truncated backprop T (default \(defaults.seq)).")
    var seq: Int?

    @Option(help: "Time penalty τ on ponder cost (default \(defaults.tau)); higher ponders less.")
    var tau: Double?

    @Option(help: "Peak learning rate of Adam (default \(defaults.schedule.peak)).")
    var lr: Double?

    @Option(help: "Steps of linear warm-up to the peak learning rate (default \(defaults.schedule.warmupSteps)).")
    var warmup: Int?

    @Option(help: "Learning-rate decay after warm-up (default \(defaults.schedule.decay.rawValue)).")
    var decay: LearningRateSchedule.Decay?

    @Option(name: .customLong("decay-steps"), help: "The step by which the decay reaches --lr-final (default --steps).")
    var decaySteps: Int?

    @Option(name: .customLong("lr-final"), help: "Learning rate at the end of the decay (default \(defaults.schedule.floor)).")
    var lrFinal: Double?

    @Option(help: "Clip gradients to this global norm (default \(defaults.clip)); 0 turns clipping off.")
    var clip: Double?

    @Option(help: "Random seed of the initial weights (default \(defaults.seed)); the same seed trains the same model.")
    var seed: UInt64?
}

struct DataFlags: ParsableArguments {
    @Option(name: .customLong("valid-fraction"),
            help: "The last fraction of the corpus held out for validation (default \(defaults.validFraction)).")
    var validFraction: Double?

    @Option(name: .customLong("valid"),
            help: ArgumentHelp("Validate on this file instead; training then uses all of the corpus.", valueName: "file"))
    var valid: String?

    @Option(name: .customLong("valid-chars"),
            help: "Held-out bytes each validation reads (default \(defaults.validChars)).")
    var validChars: Int?

    @Option(name: .customLong("trace-chars"),
            help: "Bytes of held-out text whose per-byte ponder each checkpoint records (default \(defaults.traceChars)).")
    var traceChars: Int?
}

struct StopFlags: ParsableArguments {
    @Option(help: "Stop at this step (counting the whole run).")
    var steps: Int?

    @Option(help: "Stop after this many training bytes (counting the whole run).")
    var chars: Int?

    @Option(help: "Stop after this many passes over the training bytes (counting the whole run).")
    var epochs: Double?

    @Option(help: "Stop after this many minutes of this session.")
    var minutes: Double?
}

struct OutputFlags: ParsableArguments {
    @Option(name: .customLong("eval-every"),
            help: "Validate (and save) every this many steps (default \(defaultCadence.evalEvery)); 0 only at the end.")
    var evalEvery: Int?

    @Option(name: .customLong("checkpoint-every"),
            help: ArgumentHelp("Save latest.ckpt every this many steps (default \(defaultCadence.checkpointEvery)); "
                               + "0 only at validations and the end."))
    var checkpointEvery: Int?

    @Option(name: .customLong("log-every"),
            help: ArgumentHelp("Write a metrics record (and a progress line when not on a terminal) every this "
                               + "many steps (default \(defaultCadence.logEvery))."))
    var logEvery: Int?

    @Option(name: .customLong("checkpoint-dir"), help: "Where run folders go.")
    var checkpointDir = RunFolder.defaultRoot

    @Option(name: .customLong("run-name"), help: "The run folder's name (default: run-<UTC date>-<time>).")
    var runName: String?

    @Option(help: ArgumentHelp("Continue a run from a checkpoint, or from the newest latest.ckpt under "
                               + "--checkpoint-dir with 'latest'.", valueName: "checkpoint|latest"))
    var resume: String?
}

extension LearningRateSchedule.Decay: ExpressibleByArgument {}
