import Foundation

/// `actlm bench --sweep`: the project's model sizes at M = 1 (a plain LSTM, so every engine and the peer
/// do the same work), each trained by every matrix engine asked for and by the PyTorch peer, one after
/// the other, for several rounds. On a machine shared with other jobs, runs side by side see the same
/// load, so the figures are medians over the rounds and each ratio is the median of the ratios of runs
/// side by side.
public enum BenchmarkSweep {
    public struct Shape: Hashable, Sendable, CustomStringConvertible {
        public let layers: Int
        public let hidden: Int

        public init(layers: Int, hidden: Int) {
            self.layers = layers
            self.hidden = hidden
        }

        public var description: String { "\(layers) × \(hidden)" }
    }

    /// The sizes docs/performance.md reports: the default, wider ones, and one layer of 1,024 (the paper's
    /// network was one layer of 1,500), where no wavefront can share the work.
    public static let shapes = [Shape(layers: 2, hidden: 256), Shape(layers: 2, hidden: 512),
                                Shape(layers: 2, hidden: 1024), Shape(layers: 1, hidden: 1024)]

    public struct Options {
        public var shapes = BenchmarkSweep.shapes
        public var engines = MatrixEngine.available
        public var rounds = 3
        public var seconds = 10.0
        public var warmupSeconds = 2.0
        public var batch = 32
        public var seq = 100
        /// Runs beside each shape's actlm runs, on the corpus at `peerCorpus`.
        public var peer: PyTorchPeer?
        public var peerCorpus = ""

        public init() {}
    }

    /// One timed run.
    public struct Run: Encodable, Sendable {
        public let layers: Int
        public let hidden: Int
        public let round: Int
        /// An engine's name (`MatrixEngine.name`), or "pytorch".
        public let engine: String
        public let charsPerSecond: Double
        /// actlm only: bytes per processor-second (all threads; what the work costs, whatever else the
        /// machine runs), matrix FLOP/s achieved, the engine's own rate on training's shapes on as many
        /// threads, and the one over the other.
        public let charsPerCPUSecond: Double?
        public let achievedGFLOPs: Double?
        public let kernelGFLOPs: Double?
        public let ofKernel: Double?
        /// actlm only: training's share of the FMA peak of the cores it ran on, and of the peak of the
        /// processor time it got (`PeakShare`).
        public let ofFMAPeak: Double?
        public let ofFMAPeakPerCPUSecond: Double?

        enum CodingKeys: String, CodingKey {
            case layers, hidden, round, engine
            case charsPerSecond = "chars_per_second"
            case charsPerCPUSecond = "chars_per_cpu_second"
            case achievedGFLOPs = "achieved_gflops"
            case kernelGFLOPs = "kernel_gflops"
            case ofKernel = "of_kernel"
            case ofFMAPeak = "of_fma_peak"
            case ofFMAPeakPerCPUSecond = "of_fma_peak_per_cpu_second"
        }
    }

    /// An engine at a shape over the rounds: medians, and against the peer.
    public struct Row: Encodable, Sendable {
        public let layers: Int
        public let hidden: Int
        public let engine: String
        public let charsPerSecond: Double
        public let charsPerCPUSecond: Double?
        public let achievedGFLOPs: Double?
        public let kernelGFLOPs: Double?
        public let ofKernel: Double?
        public let ofFMAPeak: Double?
        public let ofFMAPeakPerCPUSecond: Double?
        /// The median of (this run's chars/s / the peer's run beside it) over the rounds; nil for the peer.
        public let toPeer: Double?

        enum CodingKeys: String, CodingKey {
            case layers, hidden, engine
            case charsPerSecond = "chars_per_second"
            case charsPerCPUSecond = "chars_per_cpu_second"
            case achievedGFLOPs = "achieved_gflops"
            case kernelGFLOPs = "kernel_gflops"
            case ofKernel = "of_kernel"
            case ofFMAPeak = "of_fma_peak"
            case ofFMAPeakPerCPUSecond = "of_fma_peak_per_cpu_second"
            case toPeer = "to_pytorch"
        }
    }

    public struct Result: Encodable, Sendable {
        public let rows: [Row]
        public let runs: [Run]
        public let rounds: Int
        public let seconds: Double
        public let batch: Int
        public let seq: Int
        public let threads: Int
        public let cpu: String
        public let torch: String?
        /// How bytes reached the peer's layer 1 (`PyTorchPeer.Input`), when a peer ran.
        public let peerInput: String?
        /// One core's FMA peak on each engine's vectors, GFLOP/s, by engine name (measured once, before the
        /// rounds; none without AVX2 + FMA).
        public let fmaPeakGFLOPsPerCore: [String: Double]

        enum CodingKeys: String, CodingKey {
            case rows, runs, rounds, seconds, batch, seq, threads, cpu, torch
            case peerInput = "peer_input"
            case fmaPeakGFLOPsPerCore = "fma_peak_gflops_per_core"
        }
    }

    /// Every round runs every shape, and at each shape every engine then the peer. `progress` gets a line
    /// per run.
    public static func run(corpus: Corpus, options: Options, progress: (String) -> Void = { _ in }) throws -> Result {
        let threads = ComputeContext.process.threads
        var runs: [Run] = [], torch: String?, peerInput: String?
        // Each engine's peak once, in processor time, which the runs' load barely moves.
        var peaks: [MatrixEngine: Double] = [:]
        for engine in options.engines { peaks[engine] = VectorPeak.oneCoreRate(on: engine) }
        for round in 1...options.rounds {
            for shape in options.shapes {
                for engine in options.engines {
                    var bench = Benchmark.Options(config: ModelConfig(layers: shape.layers, hidden: shape.hidden, maxPonder: 1),
                                                  batch: options.batch, seq: options.seq, seconds: options.seconds,
                                                  warmupSeconds: options.warmupSeconds)
                    bench.timesReferences = false
                    bench.context = ComputeContext.process.with(engine: engine)
                    bench.fmaPeakPerCore = peaks[engine]
                    let result = try Benchmark.run(corpus: corpus, options: bench)
                    runs.append(Run(layers: shape.layers, hidden: shape.hidden, round: round, engine: engine.name,
                                    charsPerSecond: result.charsPerSecond,
                                    charsPerCPUSecond: result.charsPerSecond * result.seconds / result.cpuSeconds,
                                    achievedGFLOPs: result.achievedGFLOPs, kernelGFLOPs: result.sgemmGFLOPs,
                                    ofKernel: result.ratio, ofFMAPeak: result.fmaPeak?.fraction,
                                    ofFMAPeakPerCPUSecond: result.fmaPeak?.processorFraction))
                    progress("round \(round), \(shape), \(engine.name): \(Int(result.charsPerSecond)) chars/s")
                }
                if let peer = options.peer {
                    let result = try peer.train(corpus: options.peerCorpus, layers: shape.layers, hidden: shape.hidden,
                                                batch: options.batch, seq: options.seq, seconds: options.seconds,
                                                warmup: options.warmupSeconds, threads: threads)
                    torch = result.torch
                    peerInput = result.input
                    runs.append(Run(layers: shape.layers, hidden: shape.hidden, round: round, engine: "pytorch",
                                    charsPerSecond: result.charsPerSecond, charsPerCPUSecond: nil, achievedGFLOPs: nil,
                                    kernelGFLOPs: nil, ofKernel: nil, ofFMAPeak: nil,
                                    ofFMAPeakPerCPUSecond: nil))
                    progress("round \(round), \(shape), PyTorch: \(Int(result.charsPerSecond)) chars/s")
                }
            }
        }
        let engines = options.engines.map(\.name) + (options.peer == nil ? [] : ["pytorch"])
        let rows = options.shapes.flatMap { shape in
            engines.map { engine in
                let mine = runs.filter { $0.layers == shape.layers && $0.hidden == shape.hidden && $0.engine == engine }
                let peer = runs.filter { $0.layers == shape.layers && $0.hidden == shape.hidden && $0.engine == "pytorch" }
                return Row(layers: shape.layers, hidden: shape.hidden, engine: engine,
                           charsPerSecond: median(mine.map(\.charsPerSecond)),
                           charsPerCPUSecond: optionalMedian(mine.compactMap(\.charsPerCPUSecond)),
                           achievedGFLOPs: optionalMedian(mine.compactMap(\.achievedGFLOPs)),
                           kernelGFLOPs: optionalMedian(mine.compactMap(\.kernelGFLOPs)),
                           ofKernel: optionalMedian(mine.compactMap(\.ofKernel)),
                           ofFMAPeak: optionalMedian(mine.compactMap(\.ofFMAPeak)),
                           ofFMAPeakPerCPUSecond: optionalMedian(mine.compactMap(\.ofFMAPeakPerCPUSecond)),
                           toPeer: engine == "pytorch" || peer.isEmpty ? nil
                               : median(zip(mine, peer).map { $0.charsPerSecond / $1.charsPerSecond }))
            }
        }
        return Result(rows: rows, runs: runs, rounds: options.rounds, seconds: options.seconds, batch: options.batch,
                      seq: options.seq, threads: threads, cpu: Benchmark.cpuName, torch: torch,
                      peerInput: peerInput,
                      fmaPeakGFLOPsPerCore: Dictionary(uniqueKeysWithValues: peaks.map { ($0.key.name, $0.value / 1e9) }))
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func optionalMedian(_ values: [Double]) -> Double? { values.isEmpty ? nil : median(values) }
}
