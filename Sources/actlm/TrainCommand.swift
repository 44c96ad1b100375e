import ArgumentParser
import ACTLM
import Foundation

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
        let cadence = output.cadence
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
            throw ValidationError("give the corpus to train on (e.g. actlm train \(defaultCorpus)), or --resume a run")
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
        var options = settings.applied(to: .defaults)
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
        var found = settings.conflicts(with: checkpoint.options)
        if output.runName != nil {
            found.append("--run-name does not apply: a resumed run goes on in the checkpoint's folder")
        }
        return found
    }
}
