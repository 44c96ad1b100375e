import Foundation

/// `actlm bench --scoring`: scores a text with a model (fresh, or a trained checkpoint's: how long the
/// model ponders sets the work) through the `TextScorer` that eval, ponder-map and validation use, and
/// sets the FLOP rate it achieves against the matrix products alone on the very shapes scoring used.
public enum ScoringBenchmark {
    public struct Result: Encodable, Sendable {
        public let layers: Int
        public let hidden: Int
        public let maxPonder: Int
        public let stateReset: Int
        /// Segments side by side.
        public let batch: Int
        public let bytes: Int64
        public let seconds: Double
        public let kilobytesPerSecond: Double
        public let bpc: Double
        public let meanPonder: [Double]
        /// Matrix FLOPs of the forward passes per second.
        public let achievedGFLOPs: Double
        /// The products alone on the same shapes, in the same proportions, in the same run, by the engine
        /// scoring used on as many threads as its wavefront ran.
        public let sgemmGFLOPs: Double
        public let ratio: Double
        public let cpu: String
        public let blas: String

        enum CodingKeys: String, CodingKey {
            case layers, hidden, batch, bytes, seconds, bpc, ratio, cpu, blas
            case maxPonder = "max_ponder"
            case stateReset = "state_reset"
            case kilobytesPerSecond = "kilobytes_per_second"
            case meanPonder = "mean_ponder"
            case achievedGFLOPs = "achieved_gflops"
            case sgemmGFLOPs = "sgemm_gflops"
        }
    }

    /// Scores the held-out part of `corpus` (what `actlm train` validates on) with `model`, `batch`
    /// segments side by side, then times the products alone on the recorded shapes. `progress` receives one line per phase.
    public static func run(model: TrainedModel, corpus: Corpus, batch: Int,
                           progress: (String) -> Void = { _ in }) throws -> Result {
        let config = model.config
        let scorer = TextScorer(config: config, batch: batch)
        let text = try corpus.validationStream()
        progress("scoring the \(grouped(Int(text.count))) held-out bytes of \(corpus.path), "
                 + "\(scorer.batch) segments side by side")
        GEMMShapes.startRecording()
        let start = TimeSource.wall.seconds()
        let evaluation = try scorer.run(parameters: model.parameters, read: { try text.read(into: $0) }, row: nil,
                                        progress: nil)
        let seconds = TimeSource.wall.seconds() - start
        let shapes = GEMMShapes.stopRecording()
        let achieved = scorer.flops / seconds

        progress("timing the matrix products alone on the \(shapes.count) shapes scoring used")
        let sgemm = GEMMShapes.measureRate(shapes, seconds: max(2, seconds / 4),
                                           threads: Wavefront.threads(layers: config.layers, limit: nil))
        return Result(layers: config.layers, hidden: config.hidden, maxPonder: config.maxPonder,
                      stateReset: config.stateReset, batch: scorer.batch, bytes: evaluation.bytes, seconds: seconds,
                      kilobytesPerSecond: Double(evaluation.bytes) / seconds / 1e3,
                      bpc: evaluation.bitsPerCharacter ?? .nan, meanPonder: evaluation.meanPonder.map { $0 ?? .nan },
                      achievedGFLOPs: achieved / 1e9, sgemmGFLOPs: sgemm / 1e9, ratio: achieved / sgemm,
                      cpu: Benchmark.cpuName, blas: GEMMShapes.blasDescription)
    }
}
