import CBLAS
import Foundation

/// The shape of one matrix product, C[m, n] ← op(A)[m, k] · op(B)[k, n].
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    public let transposeA: Bool
    public let transposeB: Bool
    public let m: Int
    public let n: Int
    public let k: Int

    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    public var description: String { "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")" }
}

/// Counts the Float matrix products the model runs, by shape, while switched on — so the benchmark can
/// time `cblas_sgemm` alone on exactly the shapes (and in the proportions) training used. Off, it costs
/// one load and branch per product.
public enum GEMMShapes {
    nonisolated(unsafe) static var counts: [GEMMShape: Int]?
    /// The layer wavefront multiplies from several threads.
    private static let lock = NSLock()

    public static func startRecording() { counts = [:] }

    public static func stopRecording() -> [GEMMShape: Int] {
        defer { counts = nil }
        return counts ?? [:]
    }

    @inline(__always)
    static func record(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int) {
        guard counts != nil else { return }
        lock.lock()
        defer { lock.unlock() }
        counts![GEMMShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k), default: 0] += 1
    }

    /// Times `cblas_sgemm` alone on `shapes`, each run as often as recorded (scaled so the whole takes about
    /// `seconds`), and returns the FLOP rate. Operands are random and warm in cache as in training.
    public static func measureRate(_ shapes: [GEMMShape: Int], seconds: Double) -> Double {
        let totalFlops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        guard totalFlops > 0 else { return 0 }
        var operands: [GEMMShape: (a: [Float], b: [Float], c: [Float])] = [:]
        for shape in shapes.keys {
            // A cheap generator: the system one costs a system call per number, seconds for these operands.
            var generator = RandomSource(seed: UInt64(shape.m * 31 + shape.n * 7 + shape.k))
            func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(generator.next() % 2001) / 1000 - 1 } }
            operands[shape] = (random(shape.m * shape.k), random(shape.k * shape.n), random(shape.m * shape.n))
        }
        func runAll(repeats: Double) -> (flops: Double, seconds: Double) {
            var flops = 0.0
            let start = DispatchTime.now().uptimeNanoseconds
            for (shape, count) in shapes {
                let times = max(1, Int((Double(count) * repeats).rounded()))
                let lda = shape.transposeA ? shape.m : shape.k, ldb = shape.transposeB ? shape.k : shape.n
                let (a, b, _) = operands[shape]!
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        operands[shape]!.c.withUnsafeMutableBufferPointer { c in
                            for _ in 0..<times {
                                Float.gemm(transposeA: shape.transposeA, transposeB: shape.transposeB, m: shape.m,
                                           n: shape.n, k: shape.k, alpha: 1, a: a.baseAddress!, lda: lda,
                                           b: b.baseAddress!, ldb: ldb, beta: 0, c: c.baseAddress!, ldc: shape.n)
                            }
                        }
                    }
                }
                flops += shape.flops * Double(times)
            }
            return (flops, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        // A short calibration run sets how many repeats fill the time asked for.
        let probe = runAll(repeats: min(1, 1e9 / totalFlops))
        let repeats = max(probe.flops / totalFlops * seconds / max(probe.seconds, 1e-6), 1e-9)
        let timed = runAll(repeats: repeats)
        return timed.flops / timed.seconds
    }

    /// The rate of one square product of side `n`, the usual "peak" figure.
    public static func squareRate(_ n: Int, seconds: Double) -> Double {
        measureRate([GEMMShape(transposeA: false, transposeB: false, m: n, n: n, k: n): 1], seconds: seconds)
    }

    /// What OpenBLAS runs on: its kernel name and thread count.
    public static var blasDescription: String {
        "OpenBLAS \(String(cString: openblas_get_corename())) kernels, \(openblas_get_num_threads()) threads"
    }
}
