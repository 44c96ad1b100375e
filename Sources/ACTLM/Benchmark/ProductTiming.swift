import CGEMM
import Foundation

/// Times matrix products alone, on shapes a network recorded (`ProductRecorder`), so the bench can set
/// training's FLOP rate against what its products reach by themselves.
public enum ProductTiming {
    /// Times the products on `shapes`, each run as often as recorded (scaled so the whole takes about
    /// `seconds`), and returns the FLOP rate, as `context` runs them: on its engine (packing beforehand
    /// what training packed), on its threads, which share the products out as the layer wavefront does
    /// (a whole product each where the engine is one of the project's kernels, split by columns on one
    /// thread's behalf on OpenBLAS). Operands are random and warm in cache as in training. Timed on the
    /// wall clock, or in the processor time of the process (for one thread with nothing else running,
    /// the time it was given a core).
    public static func measureRate(_ shapes: [GEMMShape: Int], seconds: Double, context: ComputeContext,
                                   clock: TimeSource = .wall) -> Double {
        let totalFlops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        guard totalFlops > 0 else { return 0 }
        let workers = context.engine == .openBLAS ? 1 : context.threads
        let operands = (0..<workers).map { _ in Operands(shapes.keys, engine: context.engine) }
        // One worker splits each product across the threads as training does outside the wavefront.
        let products = MatrixProducts(context: context)
        products.threads = workers == 1 ? context.threads : 1
        func runAll(repeats: Double) -> (flops: Double, seconds: Double) {
            let perWorker = shapes.mapValues { max(1, Int((Double($0) * repeats / Double(workers)).rounded())) }
            let start = clock.seconds()
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for (shape, times) in perWorker { operands[worker].multiply(shape, times: times, products: products) }
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

    /// The rate of one square product of side `n`, the usual "peak" figure.
    public static func squareRate(_ n: Int, seconds: Double, context: ComputeContext) -> Double {
        measureRate([GEMMShape(transposeA: false, transposeB: false, m: n, n: n, k: n): 1], seconds: seconds,
                    context: context)
    }

    /// What multiplies the matrices: the engine and its threads, and the kernels OpenBLAS runs here.
    public static func description(of context: ComputeContext) -> String {
        "\(context); OpenBLAS \(OpenBLASProducts.coreName) kernels"
    }

    /// Random A, B (packed where the shape was) and C for each shape, one set per thread.
    private final class Operands: @unchecked Sendable {
        private final class Matrices {
            let a: [Float], b: [Float]
            var c: [Float]
            var packed: [Float]?

            init(a: [Float], b: [Float], c: [Float]) {
                self.a = a
                self.b = b
                self.c = c
            }
        }
        private var matrices: [GEMMShape: Matrices] = [:]

        init(_ shapes: Dictionary<GEMMShape, Int>.Keys, engine: MatrixEngine) {
            for shape in shapes {
                // A cheap generator: the system one costs a system call per number, seconds for these operands.
                var generator = RandomSource(seed: UInt64(shape.m * 31 + shape.n * 7 + shape.k))
                func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(generator.next() % 2001) / 1000 - 1 } }
                let operands = Matrices(a: random(shape.m * shape.k), b: random(shape.k * shape.n),
                                        c: random(shape.m * shape.n))
                if shape.packedB, let count = Float.packedCount(on: engine, k: shape.k, n: shape.n) {
                    var packed = [Float](repeating: 0, count: count)
                    let ldb = shape.transposeB ? shape.k : shape.n
                    Float.pack(on: engine, transposeB: shape.transposeB, k: shape.k, n: shape.n, b: operands.b, ldb: ldb,
                               into: &packed)
                    operands.packed = packed
                }
                matrices[shape] = operands
            }
        }

        /// `shape`'s product `times` times, by `products`.
        func multiply(_ shape: GEMMShape, times: Int, products: MatrixProducts) {
            let lda = shape.transposeA ? shape.m : shape.k, ldb = shape.transposeB ? shape.k : shape.n
            let (m, n, k) = (shape.m, shape.n, shape.k)
            let operands = matrices[shape]!
            operands.c.withUnsafeMutableBufferPointer { c in
                if let packed = operands.packed {
                    for _ in 0..<times {
                        products.gemm(transposeA: shape.transposeA, m: m, n: n, k: k, a: operands.a, lda: lda,
                                      packedB: packed, packedFromTransposed: shape.transposeB, beta: 0,
                                      c: c.baseAddress!, ldc: n)
                    }
                } else {
                    for _ in 0..<times {
                        products.gemm(transposeA: shape.transposeA, transposeB: shape.transposeB, m: m, n: n, k: k,
                                      a: operands.a, lda: lda, b: operands.b, ldb: ldb, beta: Float(0),
                                      c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
    }
}
