import ACTLM
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training speed: chars/s and achieved FLOP/s against this machine's sgemm rate.",
        discussion: """
            Trains a freshly initialised model on real text for --seconds after a short warm-up, counting \
            the matrix FLOPs of the work done (forward and backward, only the ponder steps actually run). \
            Then it times cblas_sgemm alone on exactly the matrix shapes training used, in the same \
            proportions, and reports the ratio: how close training comes to the machine's GEMM rate.

            OpenBLAS threads follow OPENBLAS_NUM_THREADS (default: all cores).

            Examples:
              actlm bench
              actlm bench --hidden 512 --seconds 30 --json
            """
    )

    @Argument(help: "Text to train on (gzip, zlib or plain).")
    var corpus = "corpora/wiki.gz"

    @Option(help: "Stacked ACT-LSTM layers (L).") var layers = 2
    @Option(help: "Hidden units per layer (H).") var hidden = 256
    @Option(help: "Streams per batch (B).") var batch = 32
    @Option(help: "Time steps per window (T).") var seq = 100
    @Option(name: .customLong("max-ponder"), help: "Most ponder steps per character (M).")
    var maxPonder = TrainingOptions.defaults.model.maxPonder
    @Option(help: "Time penalty τ.") var tau = TrainingOptions.defaults.tau
    @Option(help: "Timed training seconds, after the warm-up.") var seconds = 20.0
    @Option(help: "Warm-up seconds (not timed).") var warmup = 3.0
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var scoring: ScoringBenchOptions

    func run() throws {
        if scoring.enabled { return try runScoring() }
        guard seconds > 0, warmup >= 0, layers >= 1, hidden >= 1, batch >= 1, seq >= 1, maxPonder >= 1 else {
            throw ValidationError("sizes must be at least 1 and --seconds above 0")
        }
        let corpus = try Corpus(path: self.corpus, validFraction: 0)
        let options = Benchmark.Options(
            config: ModelConfig(layers: layers, hidden: hidden, maxPonder: maxPonder,
                                stateReset: TrainingOptions.defaults.model.stateReset),
            batch: batch, seq: seq, tau: tau, seconds: seconds, warmupSeconds: warmup)
        let result = try Benchmark.run(corpus: corpus, options: options) { line in
            if !json { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        let ponder = result.meanPonder.map { String(format: "%.2f", $0) }.joined(separator: " / ")
        print("""
            model        L=\(result.layers) H=\(result.hidden) B=\(result.batch) T=\(result.seq) M=\(result.maxPonder)
            machine      \(result.cpu); \(result.blas)
            trained      \(result.windows) windows in \(String(format: "%.1f", result.seconds)) s, train bpc \(String(format: "%.3f", result.trainBPC))
            speed        \(String(format: "%.0f", result.charsPerSecond)) chars/s
            mean ponder  \(ponder) (ρ per layer)
            achieved     \(String(format: "%.1f", result.achievedGFLOPs)) GFLOP/s (matrix work, forward and backward)
            sgemm        \(String(format: "%.1f", result.sgemmGFLOPs)) GFLOP/s on the same shapes (\(String(format: "%.1f", result.peakSGEMMGFLOPs)) at 1024³)
            ratio        \(String(format: "%.0f", 100 * result.ratio))% of the sgemm rate
            """)
    }
}
