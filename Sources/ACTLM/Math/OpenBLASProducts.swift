import CBLAS
import CGEMM

/// OpenBLAS's products, split across threads by columns of C as the project's kernels split theirs (on
/// the same pool, `actlm_parallel`), with OpenBLAS itself on the calling thread only: its thread count is
/// one setting for the whole process, which two networks, or the layer wavefront's threads, would
/// otherwise contend for.
enum OpenBLASProducts {
    /// Products below this many FLOPs run on the calling thread: waking a worker costs more than it saves.
    static let splitFlops = Double(1 << 23)
    /// Columns a part starts at a multiple of.
    static let columnAlignment = Int(ACTLM_PACKED_PANEL)

    /// OpenBLAS on the calling thread only, set once before its first product.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// One Float product and how to cut it into parts of whole column panels.
    private struct Product {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int
        var a: UnsafePointer<Float>, lda: Int
        var b: UnsafePointer<Float>, ldb: Int
        var beta: Float
        var c: UnsafeMutablePointer<Float>, ldc: Int

        func run(part: Int, of parts: Int) {
            let panels = (n + columnAlignment - 1) / columnAlignment
            let first = panels * part / parts * columnAlignment
            let last = min(n, panels * (part + 1) / parts * columnAlignment)
            guard first < last else { return }
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(last - first), Int32(k), 1, a, Int32(lda),
                        b + (transposeB ? first * ldb : first), Int32(ldb), beta, c + first, Int32(ldc))
        }
    }

    static func sgemm(threads: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
                      c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        var product = Product(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        let parts = min(threads, (n + columnAlignment - 1) / columnAlignment)
        if parts > 1 && 2 * Double(m) * Double(n) * Double(k) >= splitFlops {
            let split = withUnsafeMutablePointer(to: &product) { job in
                actlm_parallel(Int32(parts), { job, part, parts in
                    job!.assumingMemoryBound(to: Product.self).pointee.run(part: Int(part), of: Int(parts))
                }, job)
            }
            if split != 0 { return }
        }
        product.run(part: 0, of: 1)
    }

    static func dgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Double>,
                      lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>,
                      ldc: Int) {
        _ = singleThreaded
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// OpenBLAS's name for the kernels it runs on this processor.
    static var coreName: String { String(cString: openblas_get_corename()) }
}
