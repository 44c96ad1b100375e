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
    public static func run(model: TrainedModel, corpus: Corpus, batch: Int, context: ComputeContext = .process,
                           progress: (String) -> Void = { _ in }) throws -> Result {
        let config = model.config
        let recorder = ProductRecorder()
        let scorer = TextScorer(config: config, batch: batch, context: context, productRecorder: recorder)
        let text = try corpus.validationStream()
        progress("scoring the \(grouped(Int(text.count))) held-out bytes of \(corpus.path), "
                 + "\(scorer.batch) segments side by side")
        let start = TimeSource.wall.seconds()
        let evaluation = try scorer.run(parameters: model.parameters, read: { try text.read(into: $0) }, row: nil,
                                        progress: nil)
        let seconds = TimeSource.wall.seconds() - start
        let shapes = recorder.shapes
        let achieved = scorer.flops / seconds

        progress("timing the matrix products alone on the \(shapes.count) shapes scoring used")
        let timing = ComputeContext(engine: scorer.context.engine,
                                    threads: Wavefront.threads(layers: config.layers, budget: scorer.context.threads))
        let sgemm = ProductTiming.measureRate(shapes, seconds: max(2, seconds / 4), context: timing)
        return Result(layers: config.layers, hidden: config.hidden, maxPonder: config.maxPonder,
                      stateReset: config.stateReset, batch: scorer.batch, bytes: evaluation.bytes, seconds: seconds,
                      kilobytesPerSecond: Double(evaluation.bytes) / seconds / 1e3,
                      bpc: evaluation.bitsPerCharacter ?? .nan, meanPonder: evaluation.meanPonder.map { $0 ?? .nan },
                      achievedGFLOPs: achieved / 1e9, sgemmGFLOPs: sgemm / 1e9, ratio: achieved / sgemm,
                      cpu: Benchmark.cpuName, blas: ProductTiming.description(of: scorer.context))
    }
}
