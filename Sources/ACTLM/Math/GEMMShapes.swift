import CBLAS
import CGEMM
import Foundation

/// The shape of one matrix product, C[m, n] ← op(A)[m, k] · op(B)[k, n].
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    public let transposeA: Bool
    public let transposeB: Bool
    public let m: Int
    public let n: Int
    public let k: Int
    /// B was packed beforehand (`PackedMatrix`), once for many products.
    public var packedB = false

    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    public var description: String {
        "\(m)×\(n)×\(k)\(transposeA ? " Aᵀ" : "")\(transposeB ? " Bᵀ" : "")\(packedB ? " packed" : "")"
    }
}

/// Counts the Float matrix products the model runs, by shape, while switched on — so the benchmark can
/// time the products alone on exactly the shapes (and in the proportions) training used. Off, it costs
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
    static func record(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, packed: Bool = false) {
        guard counts != nil else { return }
        lock.lock()
        defer { lock.unlock() }
        counts![GEMMShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, packedB: packed),
                default: 0] += 1
    }

    /// Times the matrix products alone on `shapes`, each run as often as recorded (scaled so the whole
    /// takes about `seconds`), and returns the FLOP rate. `engine` multiplies them: the one training used
    /// (packing beforehand what training packed), on `threads` threads that share the products out as
    /// the layer wavefront does; or OpenBLAS's `cblas_sgemm` for reference, on its own threads. Operands
    /// are random and warm in cache as in training. Timed on the wall clock, or in the processor time of
    /// the process (for one thread with nothing else running, the time it was given a core).
    public static func measureRate(_ shapes: [GEMMShape: Int], seconds: Double, engine: MatrixEngine = .current,
                                   threads: Int = 1, clock: TimeSource = .wall) -> Double {
        let totalFlops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        guard totalFlops > 0 else { return 0 }
        let workers = engine == .openBLAS ? 1 : max(1, threads)
        let operands = (0..<workers).map { _ in Operands(shapes.keys) }
        // One worker splits each product across the threads as training does outside the wavefront.
        let productThreads = workers == 1 ? MatrixEngine.productThreads : 1
        func runAll(repeats: Double) -> (flops: Double, seconds: Double) {
            let perWorker = shapes.mapValues { max(1, Int((Double($0) * repeats / Double(workers)).rounded())) }
            let start = clock.seconds()
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for (shape, times) in perWorker {
                    multiply(shape, times: times, engine: engine, threads: productThreads, operands: operands[worker])
                }
            }
            let flops = perWorker.reduce(0.0) { $0 + $1.key.flops * Double(workers * $1.value) }
            return (flops, clock.seconds() - start)
        }
        // A short calibration run sets how many repeats fill the time asked for.
        let probe = runAll(repeats: min(1, 1e9 / totalFlops))
        let repeats = max(probe.flops / totalFlops * seconds / max(probe.seconds, 1e-6), 1e-9)
        let timed = runAll(repeats: repeats)
        return timed.flops / timed.seconds
    }

    /// Random A, B and C for each shape, one set per thread.
    private final class Operands: @unchecked Sendable {
        var matrices: [GEMMShape: (a: [Float], b: [Float], c: [Float])] = [:]

        init(_ shapes: Dictionary<GEMMShape, Int>.Keys) {
            for shape in shapes {
                // A cheap generator: the system one costs a system call per number, seconds for these operands.
                var generator = RandomSource(seed: UInt64(shape.m * 31 + shape.n * 7 + shape.k))
                func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(generator.next() % 2001) / 1000 - 1 } }
                matrices[shape] = (random(shape.m * shape.k), random(shape.k * shape.n), random(shape.m * shape.n))
            }
        }
    }

    /// `shape`'s product `times` times, as `engine` runs it.
    private static func multiply(_ shape: GEMMShape, times: Int, engine: MatrixEngine, threads: Int32,
                                 operands: Operands) {
        let lda = shape.transposeA ? shape.m : shape.k, ldb = shape.transposeB ? shape.k : shape.n
        let (a, b, _) = operands.matrices[shape]!
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                operands.matrices[shape]!.c.withUnsafeMutableBufferPointer { c in
                    multiply(shape, times: times, engine: engine, threads: threads, a: a.baseAddress!, lda: lda,
                             b: b.baseAddress!, ldb: ldb, c: c.baseAddress!)
                }
            }
        }
    }

    private static func multiply(_ shape: GEMMShape, times: Int, engine: MatrixEngine, threads: Int32,
                                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 c: UnsafeMutablePointer<Float>) {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        switch engine {
        case .openBLAS:
            let transA = shape.transposeA ? CblasTrans : CblasNoTrans, transB = shape.transposeB ? CblasTrans : CblasNoTrans
            for _ in 0..<times {
                cblas_sgemm(CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
                            Int32(ldb), 0, c, Int32(n))
            }
        case .avx512, .avx2:
            let kernel = engine.kernel!
            if shape.packedB {
                let packed = UnsafeMutablePointer<Float>.allocateAligned(actlm_packed_count(Int32(k), Int32(n)))
                defer { packed.deallocate() }
                actlm_pack(kernel, shape.transposeB ? 1 : 0, Int32(k), Int32(n), b, ldb, packed)
                for _ in 0..<times {
                    actlm_sgemm_packed(kernel, threads, shape.transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, packed,
                                       0, c, n)
                }
            } else {
                for _ in 0..<times {
                    actlm_sgemm(kernel, threads, shape.transposeA ? 1 : 0, shape.transposeB ? 1 : 0, Int32(m), Int32(n),
                                Int32(k), a, lda, b, ldb, 0, c, n)
                }
            }
        }
    }

    /// The rate of one square product of side `n`, the usual "peak" figure.
    public static func squareRate(_ n: Int, seconds: Double, engine: MatrixEngine = .current,
                                  threads: Int = 1) -> Double {
        measureRate([GEMMShape(transposeA: false, transposeB: false, m: n, n: n, k: n): 1], seconds: seconds,
                    engine: engine, threads: threads)
    }

    /// What multiplies the matrices: the engine, and OpenBLAS's kernel name and thread count.
    public static var blasDescription: String {
        let openBLAS = "OpenBLAS \(String(cString: openblas_get_corename())) kernels, \(openblas_get_num_threads()) threads"
        return MatrixEngine.current == .openBLAS ? openBLAS : "\(MatrixEngine.current.rawValue), one per thread; \(openBLAS)"
    }
}
