/// A weight matrix op(B) [k, n] made ready for the many products a window makes with it (the recurrent
/// weights multiply at every ponder step): packed once per window when the network's engine is one of the
/// project's kernels (`MatrixEngine.kernel`), read where it is on OpenBLAS.
final class PackedMatrix<Scalar: NetworkScalar> {
    let k: Int
    let n: Int
    let transposed: Bool
    let ld: Int

    private let products: MatrixProducts
    private let packed: UnsafeMutablePointer<Scalar>?
    private var source: UnsafePointer<Scalar>?
    private var isPacked = false

    /// op(B) is B [k, n] (leading dimension `ld`), or Bᵀ with B [n, k] when `transposed`; multiplied by
    /// `products`.
    init(k: Int, n: Int, transposed: Bool, ld: Int, products: MatrixProducts) {
        self.k = k
        self.n = n
        self.transposed = transposed
        self.ld = ld
        self.products = products
        packed = Scalar.packedCount(on: products.engine, k: k, n: n).map { UnsafeMutablePointer<Scalar>.allocateAligned($0) }
    }

    deinit { packed?.deallocate() }

    /// Takes B for the products to come, `rows` rows of A in all; packs it when that repays the copy.
    /// B must not change until the next `prepare`.
    func prepare(_ b: UnsafePointer<Scalar>, rows: Int) {
        source = b
        isPacked = packed != nil && rows >= MatrixEngine.rowsWorthPacking
        if isPacked { Scalar.pack(on: products.engine, transposeB: transposed, k: k, n: n, b: b, ldb: ld, into: packed!) }
    }

    /// The columns a product may start at (`multiply`'s `columns`): whole panels of the packed layout.
    static var columnAlignment: Int { OpenBLASProducts.columnAlignment }

    /// C ← op(A)·op(B) + β·C, op(A) [m, k], for op(B)'s `columns` (all by default; a range that starts at
    /// a multiple of `columnAlignment`): the other columns of C are left alone. Each column of C gets the
    /// same bits as from the whole product, so two threads can share one out.
    @inline(__always)
    func multiply(transposeA: Bool = false, m: Int, a: UnsafePointer<Scalar>, lda: Int, beta: Scalar,
                  c: UnsafeMutablePointer<Scalar>, ldc: Int, columns: Range<Int>? = nil) {
        let columns = columns ?? 0..<n, j0 = columns.lowerBound
        guard !columns.isEmpty else { return }
        precondition(j0 % Self.columnAlignment == 0 && columns.upperBound <= n, "columns \(columns) of \(n)")
        if isPacked {
            products.gemm(transposeA: transposeA, m: m, n: columns.count, k: k, a: a, lda: lda, packedB: packed! + j0 * k,
                          packedFromTransposed: transposed, beta: beta, c: c + j0, ldc: ldc)
        } else {
            products.gemm(transposeA: transposeA, transposeB: transposed, m: m, n: columns.count, k: k, a: a, lda: lda,
                          b: source! + (transposed ? j0 * ld : j0), ldb: ld, beta: beta, c: c + j0, ldc: ldc)
        }
    }
}
