/// The matrix products of one network, as its `ComputeContext` says: on its engine, split across the
/// threads the layer wavefront leaves them, and counted by shape while a bench listens.
final class MatrixProducts: @unchecked Sendable {
    let context: ComputeContext
    /// Threads one product may be split across: the context's, or 1 while the wavefront runs several
    /// layer threads (each multiplies on its own core). The wavefront sets it around its threads' work.
    var threads: Int
    /// Counts the products by shape while a bench listens.
    var recorder: ProductRecorder?

    init(context: ComputeContext) {
        self.context = context
        threads = context.threads
    }

    var engine: MatrixEngine { context.engine }

    /// C ← op(A)·op(B) + β·C, row-major; op(X) is Xᵀ when `transpose…` is set.
    @inline(__always)
    func gemm<Scalar: NetworkScalar>(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                     a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
                                     beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        recorder?.record(GEMMShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k))
        Scalar.gemm(on: engine, threads: threads, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// C ← op(A)·B + β·C with op(B) [k, n] packed by `Scalar.pack(on: engine, …)` from B, or from Bᵀ when
    /// `packedFromTransposed` (which only the record keeps: the packed layout is the same).
    @inline(__always)
    func gemm<Scalar: NetworkScalar>(transposeA: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>, lda: Int,
                                     packedB: UnsafePointer<Scalar>, packedFromTransposed: Bool, beta: Scalar,
                                     c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        recorder?.record(GEMMShape(transposeA: transposeA, transposeB: packedFromTransposed, m: m, n: n, k: k,
                                   packedB: true))
        Scalar.gemm(on: engine, threads: threads, transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda,
                    packedB: packedB, beta: beta, c: c, ldc: ldc)
    }
}
