import Foundation

/// `actlm bench`: trains the model on real text for a fixed time and sets the FLOP rate it achieves
/// against what `cblas_sgemm` alone reaches on the very matrix shapes training used.
public enum Benchmark {
    public struct Options: Sendable {
        public var config: ModelConfig
        public var batch: Int
        public var seq: Int
        public var tau: Double
        public var seconds: Double
        public var warmupSeconds: Double

        public init(config: ModelConfig, batch: Int, seq: Int, tau: Double = 0.001, seconds: Double = 20,
                    warmupSeconds: Double = 3) {
            self.config = config
            self.batch = batch
            self.seq = seq
            self.tau = tau
            self.seconds = seconds
            self.warmupSeconds = warmupSeconds
        }
    }

    public struct Result: Encodable, Sendable {
        public let layers: Int
        public let hidden: Int
        public let batch: Int
        public let seq: Int
        public let maxPonder: Int
        public let seconds: Double
        public let windows: Int
        public let charsPerSecond: Double
        public let meanPonder: [Double]
        public let trainBPC: Double
        /// Matrix FLOPs of the training work done (forward and backward) per second.
        public let achievedGFLOPs: Double
        /// `cblas_sgemm` alone on the same shapes, in the same proportions, in the same run.
        public let sgemmGFLOPs: Double
        public let ratio: Double
        /// `cblas_sgemm` on 1024³, the usual peak figure, for reference.
        public let peakSGEMMGFLOPs: Double
        public let cpu: String
        public let blas: String

        enum CodingKeys: String, CodingKey {
            case layers, hidden, batch, seq, seconds, windows, cpu, blas, ratio
            case maxPonder = "max_ponder"
            case charsPerSecond = "chars_per_second"
            case meanPonder = "mean_ponder"
            case trainBPC = "train_bpc"
            case achievedGFLOPs = "achieved_gflops"
            case sgemmGFLOPs = "sgemm_gflops"
            case peakSGEMMGFLOPs = "peak_sgemm_gflops"
        }
    }

    /// Trains on `corpus` (warm-up, then `options.seconds` timed), then measures sgemm on the recorded
    /// shapes. `progress` receives one line per phase.
    public static func run(corpus: Corpus, options: Options, progress: (String) -> Void = { _ in }) throws -> Result {
        let config = options.config
        let batches = try corpus.batches(batch: options.batch, seq: options.seq)
        var window = BatchWindow(batch: options.batch, seq: options.seq)
        let network = Network<Float>(config: config, batch: options.batch, seq: options.seq, tau: options.tau)
        var random = RandomSource(seed: 1)
        var θ = ParameterLayout(config: config).initialParameters(random: &random)
        var g = [Float](repeating: 0, count: θ.count)
        var adam = Adam(parameterCount: θ.count)

        func trainWindow() throws -> WindowLoss {
            try batches.next(into: &window)
            let loss = window.inputs.withUnsafeBufferPointer { x in
                window.targets.withUnsafeBufferPointer { y in
                    θ.withUnsafeBufferPointer { network.forward(parameters: $0, inputs: x, targets: y) }
                }
            }
            θ.withUnsafeBufferPointer { p in g.withUnsafeMutableBufferPointer { network.backward(parameters: p, gradients: $0) } }
            GradientClipping.clip(&g, maxNorm: 1)
            adam.update(parameters: &θ, gradients: g, learningRate: 2e-3)
            return loss
        }
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

        progress("warming up for \(options.warmupSeconds) s")
        let warmupEnd = now() + options.warmupSeconds
        repeat { _ = try trainWindow() } while now() < warmupEnd

        progress("training for \(options.seconds) s")
        GEMMShapes.startRecording()
        let flopsBefore = network.flops
        var total = WindowLoss(layers: config.layers)
        var windows = 0
        let start = now()
        repeat {
            total.add(try trainWindow())
            windows += 1
        } while now() - start < options.seconds
        let elapsed = now() - start
        let shapes = GEMMShapes.stopRecording()
        let achieved = (network.flops - flopsBefore) / elapsed

        progress("timing cblas_sgemm alone on the \(shapes.count) shapes training used")
        let sgemm = GEMMShapes.measureRate(shapes, seconds: max(2, options.seconds / 4))
        let peak = GEMMShapes.squareRate(1024, seconds: 1)
        return Result(layers: config.layers, hidden: config.hidden, batch: options.batch, seq: options.seq,
                      maxPonder: config.maxPonder, seconds: elapsed, windows: windows,
                      charsPerSecond: Double(windows * options.batch * options.seq) / elapsed,
                      meanPonder: total.meanPonder, trainBPC: total.bitsPerCharacter,
                      achievedGFLOPs: achieved / 1e9, sgemmGFLOPs: sgemm / 1e9, ratio: achieved / sgemm,
                      peakSGEMMGFLOPs: peak / 1e9, cpu: cpuName, blas: GEMMShapes.blasDescription)
    }

    /// The processor's model name, from /proc/cpuinfo where there is one.
    static var cpuName: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        let name = info.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let vector = flags.contains(" avx512f") ? "AVX-512" : flags.contains(" avx2") ? "AVX2" : "no AVX2"
        return "\(name), \(cores) cores, \(vector)"
    }
}
