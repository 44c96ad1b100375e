import CGEMM
import Foundation

/// The ceiling every matrix engine works under: the processor's vector FMA peak. Run at it, training's
/// products would take their FLOPs ÷ the peak; on OpenBLAS they take their FLOPs ÷ OpenBLAS's rate on
/// those shapes; and the rest of training (the cell's elementwise work, copies, Adam, waiting) is the
/// same on both. So OpenBLAS's time on the products over their time at the peak bounds how much faster
/// than OpenBLAS any engine can train on this processor. Both are timed on one core in processor time,
/// which another job on the machine slows little.
public enum VectorPeak {
    /// One core's FMA peak in FLOP/s (the best of a few runs of about `seconds` each, as an interruption
    /// only lowers a run), on `engine`'s vectors: the AVX2 kernel's are half as wide as the AVX-512 one's
    /// on the same processor; OpenBLAS, or no engine, on the widest the processor has. Nil without AVX2 + FMA.
    public static func oneCoreRate(on engine: MatrixEngine? = nil, seconds: Double = 0.25) -> Double? {
        guard let kernel = vectors(of: engine) else { return nil }
        func run(_ rounds: Int) -> (flops: Double, seconds: Double) {
            let start = TimeSource.processor.seconds()
            let flops = actlm_fma_peak_work(kernel, rounds)
            return (flops, TimeSource.processor.seconds() - start)
        }
        let probe = run(1 << 20)
        let rounds = max(1 << 20, Int(Double(1 << 20) * seconds / max(probe.seconds, 1e-6)))
        return (0..<3).map { _ in run(rounds) }.map { $0.flops / max($0.seconds, 1e-9) }.max()
    }

    /// The kernel whose vectors set `engine`'s peak: its own, or for OpenBLAS (and nil) the widest the
    /// processor has; nil without AVX2 + FMA.
    public static func vectors(of engine: MatrixEngine?) -> actlm_kernel? {
        engine?.kernel ?? MatrixEngine.available.first?.kernel
    }

    /// OpenBLAS's rate on `shapes` (in the recorded proportions) on one core, in processor time.
    public static func openBLASOneCoreRate(_ shapes: [GEMMShape: Int], seconds: Double) -> Double {
        ProductTiming.measureRate(shapes, seconds: seconds, context: ComputeContext(engine: .openBLAS, threads: 1),
                                  clock: .processor)
    }
}
