/// A weight matrix op(B) [k, n] made ready for the many products a window makes with it (the recurrent
/// weights multiply at every ponder step): packed once per window when the matrix engine is one of the
/// project's kernels (`MatrixEngine.kernel`), read where it is on OpenBLAS.
final class PackedMatrix<Scalar: NetworkScalar> {
    let k: Int
    let n: Int
    let transposed: Bool
    let ld: Int

    private let packed: UnsafeMutablePointer<Scalar>?
    private var source: UnsafePointer<Scalar>?
    private var isPacked = false

    /// op(B) is B [k, n] (leading dimension `ld`), or Bᵀ with B [n, k] when `transposed`.
    init(k: Int, n: Int, transposed: Bool, ld: Int) {
        self.k = k
        self.n = n
        self.transposed = transposed
        self.ld = ld
        packed = Scalar.packedCount(k: k, n: n).map { UnsafeMutablePointer<Scalar>.allocate(capacity: $0) }
    }

    deinit { packed?.deallocate() }

    /// Takes B for the products to come, `rows` rows of A in all; packs it when that repays the copy.
    /// B must not change until the next `prepare`.
    func prepare(_ b: UnsafePointer<Scalar>, rows: Int) {
        source = b
        isPacked = packed != nil && rows >= MatrixEngine.rowsWorthPacking
        if isPacked { Scalar.pack(transposeB: transposed, k: k, n: n, b: b, ldb: ld, into: packed!) }
    }

    /// C ← op(A)·op(B) + β·C, op(A) [m, k].
    @inline(__always)
    func multiply(transposeA: Bool = false, m: Int, a: UnsafePointer<Scalar>, lda: Int, beta: Scalar,
                  c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        if isPacked {
            GEMMShapes.record(transposeA, transposed, m, n, k, packed: true)
            Scalar.gemm(transposeA: transposeA, m: m, n: n, k: k, a: a, lda: lda, packedB: packed!, beta: beta,
                        c: c, ldc: ldc)
        } else {
            Scalar.gemm(transposeA: transposeA, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                        b: source!, ldb: ld, beta: beta, c: c, ldc: ldc)
        }
    }
}
