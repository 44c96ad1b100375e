import Foundation

/// `actlm bench`: trains the model on real text for a fixed time and sets the FLOP rate it achieves
/// against what the matrix products alone reach on the very shapes training used.
public enum Benchmark {
    public struct Options {
        /// What is trained, exactly as `actlm train` would with these options.
        public var training: TrainingOptions
        public var seconds: Double
        public var warmupSeconds: Double
        /// A run to continue (its weights, Adam state, step, stream positions and carried state), so the
        /// bench measures that run's regime; its options replace `training`. Nil starts from fresh weights.
        public var checkpoint: TrainingCheckpoint?
        /// Also time OpenBLAS on training's shapes, the engine on 1024³ and the processor's FMA peak, for
        /// reference (a sweep, which benches every engine in turn, leaves them out).
        public var timesReferences = true
        /// The engine and threads to train on.
        public var context = ComputeContext.process
        /// One core's FMA peak on the engine's vectors in FLOP/s, measured beforehand (a sweep measures it
        /// once per engine); nil: measured after training.
        public var fmaPeakPerCore: Double?

        /// `actlm bench`'s timed and warm-up seconds unless told otherwise.
        public static let defaultSeconds = 20.0, defaultWarmupSeconds = 3.0

        public init(training: TrainingOptions = .defaults, seconds: Double = defaultSeconds,
                    warmupSeconds: Double = defaultWarmupSeconds) {
            self.training = training
            self.seconds = seconds
            self.warmupSeconds = warmupSeconds
        }

        /// Continues `checkpoint`'s run.
        public init(continuing checkpoint: TrainingCheckpoint, seconds: Double = defaultSeconds,
                    warmupSeconds: Double = defaultWarmupSeconds) {
            self.init(training: checkpoint.options, seconds: seconds, warmupSeconds: warmupSeconds)
            self.checkpoint = checkpoint
        }

        /// The training defaults with this model, batch, window and τ.
        public init(config: ModelConfig, batch: Int, seq: Int, tau: Double = TrainingOptions.defaults.tau,
                    seconds: Double = defaultSeconds, warmupSeconds: Double = defaultWarmupSeconds) {
            var training = TrainingOptions.defaults
            training.model = config
            training.batch = batch
            training.seq = seq
            training.tau = tau
            self.init(training: training, seconds: seconds, warmupSeconds: warmupSeconds)
        }

        public var config: ModelConfig { training.model }

    }

    public struct Result: Encodable, Sendable {
        public let layers: Int
        public let hidden: Int
        public let batch: Int
        public let seq: Int
        public let maxPonder: Int
        /// The step the bench started from: 0, or the checkpoint's.
        public let startStep: Int
        /// Windows trained in the warm-up, before the timed ones.
        public let warmupWindows: Int
        public let seconds: Double
        /// Processor time the process spent in the timed training, all threads: on a machine shared with
        /// other jobs, chars per processor-second say what the work costs where chars/s say what it got.
        public let cpuSeconds: Double
        public let windows: Int
        public let charsPerSecond: Double
        public let meanPonder: [Double]
        public let trainBPC: Double
        /// Matrix FLOPs of the training work done (forward and backward) per second.
        public let achievedGFLOPs: Double
        /// The products alone on the same shapes, in the same proportions, in the same run, by the engine
        /// training used (`MatrixEngine`) on as many threads as the layer wavefront ran.
        public let sgemmGFLOPs: Double
        public let ratio: Double
        /// The same, by OpenBLAS's `cblas_sgemm` on its own threads: what training would reach on it
        /// (nil unless `timesReferences`).
        public let openBLASGFLOPs: Double?
        /// The engine on 1024³, the usual peak figure, for reference (nil unless `timesReferences`).
        public let peakSGEMMGFLOPs: Double?
        /// One core's vector FMA peak (`VectorPeak`), in processor time; nil without AVX2 + FMA or
        /// unless `timesReferences`.
        public let fmaPeakGFLOPsPerCore: Double?
        /// Training's share of the FMA peak of the cores it ran on, on the engine's vectors (nil without
        /// AVX2 + FMA).
        public let fmaPeak: PeakShare?
        /// OpenBLAS on training's shapes on one core, in processor time (nil unless `timesReferences`).
        public let openBLASOneCoreGFLOPs: Double?
        /// The FMA peak over that: no engine can run training's products more than this many times as
        /// fast as OpenBLAS on this processor, nor train that much faster while the rest of training
        /// (the same work on every engine) stays as it is.
        public let mostOverOpenBLAS: Double?
        /// The engine that multiplied (`MatrixEngine.name`).
        public let engine: String
        public let cpu: String
        public let blas: String

        enum CodingKeys: String, CodingKey {
            case layers, hidden, batch, seq, seconds, windows, cpu, blas, ratio, engine
            case cpuSeconds = "cpu_seconds"
            case maxPonder = "max_ponder"
            case startStep = "start_step"
            case warmupWindows = "warmup_windows"
            case charsPerSecond = "chars_per_second"
            case meanPonder = "mean_ponder"
            case trainBPC = "train_bpc"
            case achievedGFLOPs = "achieved_gflops"
            case sgemmGFLOPs = "sgemm_gflops"
            case peakSGEMMGFLOPs = "peak_sgemm_gflops"
            case openBLASGFLOPs = "openblas_sgemm_gflops"
            case fmaPeakGFLOPsPerCore = "fma_peak_gflops_per_core"
            case fmaPeak = "fma_peak"
            case openBLASOneCoreGFLOPs = "openblas_one_core_gflops"
            case mostOverOpenBLAS = "most_over_openblas"
        }
    }

    /// Trains on `corpus` (warm-up, then `options.seconds` timed), then times the products on the recorded
    /// shapes. `progress` receives one line per phase. Continuing a checkpoint, `corpus` must be the one
    /// it trained on, split as it was.
    public static func run(corpus: Corpus, options: Options, progress: (String) -> Void = { _ in }) throws -> Result {
        let steps = try trainingStep(corpus: corpus, options: options)
        let config = steps.options.model, training = steps.options
        let startStep = steps.step
        let network = steps.network
        func trainWindow() throws -> WindowLoss { try steps.run().loss }

        progress("warming up for \(options.warmupSeconds) s")
        let warmupEnd = TimeSource.wall.seconds() + options.warmupSeconds
        var warmupWindows = 0
        while TimeSource.wall.seconds() < warmupEnd {
            _ = try trainWindow()
            warmupWindows += 1
        }

        progress("training for \(options.seconds) s")
        let recorder = ProductRecorder()
        network.productRecorder = recorder
        let flopsBefore = network.flops
        var total = WindowLoss(layers: config.layers)
        var windows = 0
        let start = TimeSource.wall.seconds(), cpuStart = TimeSource.processor.seconds()
        repeat {
            total.add(try trainWindow())
            windows += 1
        } while TimeSource.wall.seconds() - start < options.seconds
        let elapsed = TimeSource.wall.seconds() - start, cpuSeconds = TimeSource.processor.seconds() - cpuStart
        network.productRecorder = nil
        let shapes = recorder.shapes
        let achieved = (network.flops - flopsBefore) / elapsed

        // The products alone on as many threads as the wavefront ran training's layers on.
        let context = options.context
        let timing = ComputeContext(engine: context.engine,
                                    threads: Wavefront.threads(layers: config.layers, budget: context.threads))
        progress("timing the matrix products alone on the \(shapes.count) shapes training used")
        let sgemm = ProductTiming.measureRate(shapes, seconds: max(2, options.seconds / 4), context: timing)
        progress("timing the FMA peak of a core on \(context.engine.name)'s vectors")
        let enginePerCore = options.fmaPeakPerCore ?? VectorPeak.oneCoreRate(on: context.engine)
        let enginePeak = enginePerCore.flatMap { perCore in
            PeakShare.vectors(of: context.engine).map { vectors in
                PeakShare(achievedGFLOPs: achieved / 1e9, perCoreGFLOPs: perCore / 1e9,
                          threads: PeakShare.threads(layers: config.layers, context: context), vectors: vectors,
                          processorGFLOPs: achieved * elapsed / cpuSeconds / 1e9)
            }
        }
        var openBLAS: Double?, peak: Double?, fmaPeak: Double?, openBLASOneCore: Double?
        if options.timesReferences {
            openBLAS = context.engine == .openBLAS ? sgemm
                : ProductTiming.measureRate(shapes, seconds: max(2, options.seconds / 4),
                                            context: context.with(engine: .openBLAS))
            peak = ProductTiming.squareRate(1024, seconds: 1, context: timing)
            progress("timing OpenBLAS on one core and the processor's FMA peak")
            openBLASOneCore = VectorPeak.openBLASOneCoreRate(shapes, seconds: max(2, options.seconds / 4))
            fmaPeak = VectorPeak.vectors(of: context.engine) == VectorPeak.vectors(of: nil) ? enginePerCore
                : VectorPeak.oneCoreRate()
        }
        return Result(layers: config.layers, hidden: config.hidden, batch: training.batch, seq: training.seq,
                      maxPonder: config.maxPonder, startStep: startStep, warmupWindows: warmupWindows, seconds: elapsed,
                      cpuSeconds: cpuSeconds, windows: windows, charsPerSecond: Double(total.count) / elapsed,
                      meanPonder: total.meanPonder, trainBPC: total.bitsPerCharacter,
                      achievedGFLOPs: achieved / 1e9, sgemmGFLOPs: sgemm / 1e9, ratio: achieved / sgemm,
                      openBLASGFLOPs: openBLAS.map { $0 / 1e9 }, peakSGEMMGFLOPs: peak.map { $0 / 1e9 },
                      fmaPeakGFLOPsPerCore: fmaPeak.map { $0 / 1e9 }, fmaPeak: enginePeak, openBLASOneCoreGFLOPs: openBLASOneCore.map { $0 / 1e9 },
                      mostOverOpenBLAS: fmaPeak.flatMap { peak in openBLASOneCore.map { peak / $0 } },
                      engine: context.engine.name, cpu: cpuName, blas: ProductTiming.description(of: context))
    }

    /// The step the bench trains with: fresh weights from the seed, or the checkpoint's run continued.
    static func trainingStep(corpus: Corpus, options: Options) throws -> TrainingStep {
        let start = try options.checkpoint.map { try TrainingStart.resuming($0, on: corpus) }
            ?? TrainingStart.fresh(options.training)
        return try start.step(corpus: corpus, context: options.context)
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
