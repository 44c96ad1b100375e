import CGEMM
import Foundation

/// How much of the processor's FMA peak training reaches end to end: the matrix FLOPs it does a second
/// (chars/s × FLOP per byte) over the peak of the cores it runs on, on its engine's vectors (the AVX2
/// kernel's peak is half the AVX-512 kernel's on the same processor; OpenBLAS is held to the widest the
/// processor has). On any processor it says how far training is from the limit.
public struct PeakShare: Encodable, Sendable, Equatable {
    /// One core's FMA peak on the engine's vectors, GFLOP/s (`VectorPeak`).
    public let perCoreGFLOPs: Double
    /// The cores training ran on (`threads(layers:context:cores:)`).
    public let threads: Int
    /// The vectors the peak was measured on: "AVX2" or "AVX-512".
    public let vectors: String
    /// The peak of the cores training ran on, `threads` × `perCoreGFLOPs`.
    public let gflops: Double
    /// The achieved matrix rate over `gflops`.
    public let fraction: Double
    /// The matrix FLOPs per processor-second (all threads) over one core's peak: the share of the peak of
    /// the processor time training was given, which other jobs on a shared machine barely move, where
    /// `fraction` (on the wall clock) falls with every core they take. Nil when not measured.
    public let processorFraction: Double?

    /// `processorGFLOPs`: the matrix FLOPs over the processor time training took (all its threads).
    public init(achievedGFLOPs: Double, perCoreGFLOPs: Double, threads: Int, vectors: String,
                processorGFLOPs: Double? = nil) {
        self.perCoreGFLOPs = perCoreGFLOPs
        self.threads = threads
        self.vectors = vectors
        gflops = perCoreGFLOPs * Double(threads)
        fraction = achievedGFLOPs / gflops
        processorFraction = processorGFLOPs.map { $0 / perCoreGFLOPs }
    }

    /// Training's share of the peak: `charsPerSecond` × `flopsPerByte` over the threads' peak.
    public init(charsPerSecond: Double, flopsPerByte: Double, perCoreGFLOPs: Double, threads: Int, vectors: String) {
        self.init(achievedGFLOPs: charsPerSecond * flopsPerByte / 1e9, perCoreGFLOPs: perCoreGFLOPs, threads: threads,
                  vectors: vectors)
    }

    /// The cores a network of `layers` layers trains on with `context`: the layer wavefront's threads, each
    /// product on its own thread, when it runs more than one; else the threads its products are split
    /// across. Never more than the processor's `cores`.
    public static func threads(layers: Int, context: ComputeContext,
                               cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        let wavefront = Wavefront.threads(layers: layers, budget: context.threads)
        return max(1, min(wavefront > 1 ? wavefront : context.threads, cores))
    }

    /// The name of the vectors `engine`'s peak is measured on; nil without AVX2 + FMA.
    public static func vectors(of engine: MatrixEngine) -> String? {
        guard let kernel = VectorPeak.vectors(of: engine) else { return nil }
        return kernel == ACTLM_KERNEL_AVX512 ? "AVX-512" : "AVX2"
    }

    enum CodingKeys: String, CodingKey {
        case threads, vectors, gflops, fraction
        case perCoreGFLOPs = "per_core_gflops"
        case processorFraction = "processor_fraction"
    }
}
