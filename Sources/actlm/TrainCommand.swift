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
            other (see docs/training.md).

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
            return try Trainer(corpus: corpus, options: options, folder: RunFolder(path: path), communicator: communicator,
                               context: context(communicator))
        } catch {
            if communicator.isRoot { rmdir(path) }  // only if still empty: a failed start leaves no run folder behind
            throw error
        }
    }

    private func resumeRun(_ resume: String, _ communicator: Communicator) throws -> Trainer {
        // Found by the root, so every rank resumes the same file.
        var path = communicator.isRoot ? try CheckpointLocator.locate(resume,
                                                                     directory: output.checkpointDir, for: .resume) : ""
        if communicator.size > 1 { path = communicator.broadcast(path) }
        let checkpoint = try TrainingCheckpoint.read(from: path)
        let conflicts = self.conflicts(with: checkpoint)
        if !conflicts.isEmpty { throw TrainingError.resumeConflict(conflicts) }
        let corpus = try Corpus(of: checkpoint, at: path, path: self.corpus, validPath: data.valid, remedies: (
            corpus: "Name the corpus again (actlm train CORPUS --resume ...) if you mean it.",
            validation: "Name the validation file with --valid FILE if you mean it."))
        return try Trainer(corpus: corpus, resuming: checkpoint, from: path, folder: RunFolder.containing(path),
                           communicator: communicator, context: context(communicator))
    }

    /// The process's engine and threads; the ranks of a data-parallel run on one machine share its cores.
    private func context(_ communicator: Communicator) -> ComputeContext {
        guard let local = (communicator as? MPICommunicator)?.localSize else { return .process }
        return ComputeContext.process.sharingCores(among: local)
    }

    /// Every training flag given, in the order of --help.
    private var settings: [OptionSetting] { model.settings + optimisation.settings + data.settings }

    /// The defaults with the flags given applied.
    private func newOptions() throws -> TrainingOptions {
        var options = defaults
        for setting in settings { setting.apply(&options) }
        guard options.schedule.decay != .none else { return options }
        // Without an end to decay towards, or with no steps left after the warm-up, the default decay stands
        // down; a decay asked for is a mistake, which validation names.
        let chosen = optimisation.decay != nil || optimisation.decaySteps != nil
        let warmup = options.schedule.warmupSteps
        if let end = optimisation.decaySteps ?? stop.steps {
            if end > warmup {
                options.planDecay(endingAt: end)
            } else if chosen {
                options.schedule.totalSteps = end  // refused by validation, which names the warm-up
            } else {
                options.schedule.decay = .none
            }
        } else if stop.minutes == nil {
            guard !chosen else {
                throw ValidationError("--decay \(options.schedule.decay.rawValue) needs --steps, --minutes or "
                                      + "--decay-steps: the run's end, by which the learning rate reaches --lr-final")
            }
            options.schedule.decay = .none
        }
        return options
    }

    /// Flags given with --resume that would change the checkpoint's settings.
    private func conflicts(with checkpoint: TrainingCheckpoint) -> [String] {
        var found = settings.compactMap { $0.conflict(checkpoint.options) }
        if output.runName != nil {
            found.append("--run-name does not apply: a resumed run goes on in the checkpoint's folder")
        }
        return found
    }
}

/// A training flag as given: what it sets in `TrainingOptions`, and how it differs from stored settings.
struct OptionSetting {
    let apply: (inout TrainingOptions) -> Void
    let conflict: (TrainingOptions) -> String?

    /// nil when the flag was not given.
    init?<Value: Equatable>(_ flag: String, _ given: Value?, _ field: WritableKeyPath<TrainingOptions, Value>) {
        guard let given else { return nil }
        apply = { $0[keyPath: field] = given }
        conflict = { stored in
            let kept = stored[keyPath: field]
            return kept == given ? nil : "\(flag) \(given) differs from the checkpoint's \(kept)"
        }
    }
}

struct ModelFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--layers", layers, \.model.layers),
         OptionSetting("--hidden", hidden, \.model.hidden),
         OptionSetting("--max-ponder", maxPonder, \.model.maxPonder),
         OptionSetting("--fixed-ponder", fixedPonder, \.model.fixedPonder),
         OptionSetting("--halting-epsilon", haltingEpsilon, \.model.epsilon),
         OptionSetting("--halting-bias", haltingBias, \.model.haltingBias),
         OptionSetting("--halting-warmup", haltingWarmup, \.haltingWarmup),
         OptionSetting("--halting-lr-scale", haltingLearningRateScale, \.haltingLearningRateScale),
         OptionSetting("--reset-every", resetEvery, \.model.stateReset),
         OptionSetting("--halting-input", haltingInput, \.model.haltingInput),
         OptionSetting("--halting-scope", haltingScope, \.model.haltingScope)].compactMap { $0 }
    }

    @Option(help: "Stacked ACT-LSTM layers L (default \(defaults.model.layers)).")
    var layers: Int?

    @Option(help: "Hidden units per layer H (default \(defaults.model.hidden)).")
    var hidden: Int?

    @Option(name: .customLong("max-ponder"),
            help: "Most ponder steps per byte and layer M (default \(defaults.model.maxPonder)); 1 is a plain LSTM.")
    var maxPonder: Int?

    @Option(name: .customLong("fixed-ponder"),
            help: ArgumentHelp("Every byte takes exactly K ponder steps in every layer, carrying the last step's "
                               + "state: the fixed-computation control for ACT (Repeat-RNN), with no halting unit "
                               + "and no ponder cost (default 0: ACT, up to --max-ponder).", valueName: "K"))
    var fixedPonder: Int?

    func validate() throws {
        if let fixedPonder, fixedPonder != 0, maxPonder != nil {
            throw ValidationError("--fixed-ponder \(fixedPonder) sets the steps per byte; leave out --max-ponder")
        }
    }

    @Option(name: .customLong("halting-epsilon"),
            help: ArgumentHelp("ε: a layer stops pondering on a byte once its halting probabilities add up to "
                               + "1 − ε (default \(defaults.model.epsilon); the paper used 0.01).",
                               discussion: "A step taken just below the threshold weighs as little as ε in the "
                               + "layer's output yet costs a whole step; a larger ε makes such steps either "
                               + "count or not happen."))
    var haltingEpsilon: Double?

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

    @Option(name: .customLong("halting-input"),
            help: ArgumentHelp("What the halting units read of each ponder step: h-c ([h ; c], as in the paper), h "
                               + "(h only) or h-tanh-c ([h ; tanh c], the cell bounded) (default "
                               + "\(defaults.model.haltingInput.rawValue)).", valueName: "input"))
    var haltingInput: HaltingInput?

    @Option(name: .customLong("halting-scope"),
            help: ArgumentHelp("Which halting unit decides the ponder steps: layer (each layer its own) or stack "
                               + "(layer 1's for every layer, which then all take the same steps) (default "
                               + "\(defaults.model.haltingScope.rawValue)).", valueName: "scope"))
    var haltingScope: HaltingScope?
}

extension HaltingInput: ExpressibleByArgument {}
extension HaltingScope: ExpressibleByArgument {}

struct OptimisationFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--batch", batch, \.batch),
         OptionSetting("--seq", seq, \.seq),
         OptionSetting("--tau", tau, \.tau),
         OptionSetting("--lr", lr, \.schedule.peak),
         OptionSetting("--byte-lr-scale", byteLearningRateScale, \.byteLearningRateScale),
         OptionSetting("--warmup", warmup, \.schedule.warmupSteps),
         OptionSetting("--decay", decay, \.schedule.decay),
         OptionSetting("--decay-steps", decaySteps, \.schedule.totalSteps),
         OptionSetting("--decay-fraction", decayFraction, \.decayFraction),
         OptionSetting("--lr-final", lrFinal, \.schedule.floor),
         OptionSetting("--clip", clip, \.clip),
         OptionSetting("--seed", seed, \.seed)].compactMap { $0 }
    }

    @Option(help: "Streams trained side by side B (default \(defaults.batch)).")
    var batch: Int?

    @Option(help: "Bytes per window of truncated backprop T (default \(defaults.seq)).")
    var seq: Int?

    @Option(help: "Time penalty τ on ponder cost (default \(defaults.tau)); higher ponders less.")
    var tau: Double?

    @Option(help: "Peak learning rate of Adam (default \(defaults.schedule.peak)).")
    var lr: Double?

    @Option(name: .customLong("byte-lr-scale"),
            help: ArgumentHelp("Learning rate of layer 1's byte rows relative to the rest (default "
                               + "\(defaults.byteLearningRateScale)).",
                               discussion: "Each byte's row of input weights is read alone, so at the common rate "
                               + "it changes far more slowly than the dense weights; 1 trains it at that rate."))
    var byteLearningRateScale: Double?

    @Option(help: "Steps of linear warm-up to the peak learning rate (default \(defaults.schedule.warmupSteps)).")
    var warmup: Int?

    @Option(help: ArgumentHelp("Learning-rate decay to --lr-final over the last --decay-fraction of the run: "
                               + "none, linear or cosine (default \(defaults.schedule.decay.rawValue)). A --minutes "
                               + "run ends it at the step its speed says it will reach; a run without a limit "
                               + "keeps the peak.", valueName: "shape"))
    var decay: LearningRateSchedule.Decay?

    @Option(name: .customLong("decay-steps"), help: "The step by which the decay reaches --lr-final (default --steps).")
    var decaySteps: Int?

    @Option(name: .customLong("decay-fraction"),
            help: "The part of the run after warm-up that the decay spans (default \(defaults.decayFraction)); 1 decays all along.")
    var decayFraction: Double?

    @Option(name: .customLong("lr-final"), help: "Learning rate at the end of the decay (default \(defaults.schedule.floor)).")
    var lrFinal: Double?

    @Option(help: "Clip gradients to this global norm (default \(defaults.clip)); 0 turns clipping off.")
    var clip: Double?

    @Option(help: "Random seed of the initial weights (default \(defaults.seed)); the same seed trains the same model.")
    var seed: UInt64?
}

struct DataFlags: ParsableArguments {
    var settings: [OptionSetting] {
        [OptionSetting("--valid-fraction", validFraction, \.validFraction),
         OptionSetting("--valid-chars", validChars, \.validChars),
         OptionSetting("--trace-chars", traceChars, \.traceChars)].compactMap { $0 }
    }

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

    @Option(help: ArgumentHelp("Continue a run from a checkpoint, from a run folder's latest.ckpt, from "
                               + "the newest latest.ckpt under --checkpoint-dir with 'latest', or from that "
                               + "run's best.ckpt with 'best'.",
                               valueName: "checkpoint|folder|latest|best"))
    var resume: String?
}

extension LearningRateSchedule.Decay: ExpressibleByArgument {}
