import ACTLM
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training speed: chars/s and achieved FLOP/s against this machine's GEMM rate.",
        discussion: """
            Trains a freshly initialised model on real text for --seconds after a short warm-up, with the \
            very training step of `actlm train` and its defaults (state resets, halting warm-up, learning \
            rate, clipping), counting the matrix FLOPs of the work done (forward and backward, only the \
            ponder steps actually run). Then it times the matrix products alone on exactly the shapes \
            training used, in the same proportions, on as many threads as training ran its layers on, \
            and reports the ratio: how close training comes to the machine's GEMM rate, and the mean \
            ponder ρ per layer it ran at. It times OpenBLAS's cblas_sgemm on the same shapes too, and \
            on one core against the processor's vector FMA peak: their ratio is the most any engine could \
            gain over OpenBLAS here, as the products could at best run at the peak while the rest of \
            training stays as it is. And it reports training's share of the FMA peak end to end: the \
            matrix FLOPs it did a second (chars/s × FLOP per byte) over the peak of the cores it ran on, \
            on its engine's vectors (the AVX2 kernel's peak is half the AVX-512 one's on the same \
            processor; OpenBLAS is held to the widest the processor has).

            Starting from fresh weights, a bench runs the regime of the first minutes of `actlm train`: \
            the halting units keep their initial weights for the halting warm-up (\(TrainingOptions.defaults.haltingWarmup) \
            steps), so every layer takes 2 ponder steps per byte (ρ ≈ 2.3), where a trained default \
            model ponders 2 to 3 steps in layer 1 and 1 in layer 2. docs/performance.md says more.

            --checkpoint continues a run of `actlm train` instead: its weights, Adam state, step, stream \
            positions and carried state, with its settings, on its corpus. Past the halting warm-up that \
            is the regime a long run spends its time in (a default run: layer 1 ponders about 2.6 steps \
            per byte). The run's files are only read, never written.

            The products run on actlm's own kernels: the AVX-512 one where the processor has AVX-512, \
            the AVX2 + FMA one where it has those, OpenBLAS otherwise; ACTLM_GEMM=avx512, avx2 or openblas \
            chooses. Threads follow OPENBLAS_NUM_THREADS (default: all cores).

            Examples:
              actlm bench
              actlm bench --hidden 512 --seconds 30 --json
              actlm bench --checkpoint latest
              actlm bench --checkpoint checkpoints/default/latest.ckpt
              actlm bench --sweep --peer ~/torch/bin/python --rounds 3 --seconds 10

            --sweep trains the project's sizes at M = 1 on every engine, alternated with the PyTorch peer \
            (experiments/pytorch_peer.py, run by the Python given to --peer) for several rounds, and prints \
            medians and ratios: on a machine shared with other jobs, runs side by side see the same load.
            """
    )

    @Argument(help: ArgumentHelp("Text to train on (gzip, zlib or plain; default \(defaultCorpus)); with --checkpoint, "
                                 + "the checkpoint's corpus by default."))
    var corpus: String?

    @Option(help: ArgumentHelp("A training checkpoint to continue: a file, a run folder (its last save), 'latest' "
                               + "(the last save under checkpoints/) or 'best' (that run's best.ckpt).",
                               valueName: "path|latest|best"))
    var checkpoint: String?

    @OptionGroup(title: "Model") var model: ModelFlags
    @OptionGroup var window: WindowFlags
    @Option(help: "Timed training seconds, after the warm-up.") var seconds = Benchmark.Options.defaultSeconds
    @Option(help: "Warm-up seconds (not timed).") var warmup = Benchmark.Options.defaultWarmupSeconds
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var scoring: ScoringBenchOptions
    @OptionGroup var sweep: SweepBenchOptions

    /// The corpus named, or the default one.
    var corpusPath: String { corpus ?? defaultCorpus }

    func run() throws {
        if scoring.enabled && sweep.enabled { throw ValidationError("--scoring and --sweep are two benches: give one") }
        if scoring.enabled { return try runScoring() }
        if sweep.enabled { return try runSweep() }
        guard seconds > 0, warmup >= 0 else { throw ValidationError("--seconds must be above 0 and --warmup 0 or more") }
        let settings = model.settings + window.settings
        let corpus: Corpus, options: Benchmark.Options
        if let checkpoint {
            let path = try CheckpointLocator.locate(checkpoint, for: .resume)
            let saved = try TrainingCheckpoint.read(from: path)
            let conflicts = settings.conflicts(with: saved.options)
            if !conflicts.isEmpty {
                throw ValidationError("--checkpoint benches the run as it was trained: "
                                      + conflicts.joined(separator: "; "))
            }
            corpus = try Corpus(of: saved, at: path, path: self.corpus, remedies: (
                corpus: "Name the corpus again (actlm bench CORPUS --checkpoint ...) if you mean it.",
                validation: "bench has no --valid: continue the run once with actlm train --resume ... --valid FILE, "
                    + "or bench a fresh model (actlm bench CORPUS)."))
            options = Benchmark.Options(continuing: saved, seconds: seconds, warmupSeconds: warmup)
        } else {
            corpus = try Corpus(path: corpusPath, validFraction: 0)
            options = Benchmark.Options(training: settings.applied(to: .defaults), seconds: seconds, warmupSeconds: warmup)
        }
        let result = try Benchmark.run(corpus: corpus, options: options) { line in
            if !json { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
        }
        if json {
            print(try JSONOutput.string(result))
            return
        }
        let ponder = result.meanPonder.map { String(format: "%.2f", $0) }.joined(separator: " / ")
        let run = RunDescription(options.training)
        print("""
            model        \(run.model)
            training     \(run.training()), from step \(result.startStep)
            machine      \(result.cpu); \(result.blas)
            trained      \(result.windows) windows in \(String(format: "%.1f", result.seconds)) s, train bpc \(String(format: "%.3f", result.trainBPC))
            speed        \(String(format: "%.0f", result.charsPerSecond)) chars/s
            mean ponder  \(ponder) (ρ per layer)
            achieved     \(String(format: "%.1f", result.achievedGFLOPs)) GFLOP/s (matrix work, forward and backward)
            products     \(String(format: "%.1f", result.sgemmGFLOPs)) GFLOP/s alone on the same shapes (\(String(format: "%.1f", result.peakSGEMMGFLOPs ?? 0)) at 1024³); OpenBLAS \(String(format: "%.1f", result.openBLASGFLOPs ?? 0))
            ratio        \(String(format: "%.0f", 100 * result.ratio))% of the products' rate alone
            """)
        if let peak = result.fmaPeak {
            print("of peak      \(String(format: "%.0f", 100 * peak.fraction))% of the FMA peak of the \(peak.threads) "
                  + "core\(peak.threads == 1 ? "" : "s") training ran on, on \(peak.vectors) vectors "
                  + "(\(peak.threads) × \(String(format: "%.1f", peak.perCoreGFLOPs)) GFLOP/s)"
                  + (peak.processorFraction.map { "; \(String(format: "%.0f", 100 * $0))% of the peak of the processor time it got" } ?? ""))
        }
        if let most = result.mostOverOpenBLAS, let peak = result.fmaPeakGFLOPsPerCore, let openBLAS = result.openBLASOneCoreGFLOPs {
            print("""
                ceiling      \(String(format: "%.1f", peak)) GFLOP/s FMA peak per core; OpenBLAS runs these shapes at \(String(format: "%.1f", openBLAS)) on one core, \
                so no engine runs them more than \(String(format: "%.2f", most))× as fast as OpenBLAS here
                """)
        }
    }
}
