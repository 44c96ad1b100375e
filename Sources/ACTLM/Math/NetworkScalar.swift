import ACTLMKernels
import CBLAS
import CGEMM

/// The scalars the network computes in: Float for training, Double for gradient checks. Each brings its
/// matrix products on a given engine and its kernels (`ScalarKernels`); everything else is written once,
/// generically, and specialised.
public protocol NetworkScalar: BinaryFloatingPoint, ScalarKernels, Sendable {
    init(_ value: Double)
    var double: Double { get }
    /// eˣ, the one the kernels use; Float's is a polynomial that auto-vectorises inside their loops.
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    /// C ← op(A)·op(B) + β·C, row-major, op(X) Xᵀ when `transpose…` is set: on `engine`, split across up
    /// to `threads` threads when large enough.
    static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int,
                     k: Int, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// How many scalars op(B) [k, n] takes once packed for many products on `engine` (`PackedMatrix`), or
    /// nil when its products read B where it is.
    static func packedCount(on engine: MatrixEngine, k: Int, n: Int) -> Int?
    /// Packs op(B) [k, n] into `packed` (`packedCount` scalars).
    static func pack(on engine: MatrixEngine, transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Self>, ldb: Int,
                     into packed: UnsafeMutablePointer<Self>)
    /// C ← op(A)·B + β·C with B packed by `pack`.
    static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Self>, lda: Int, packedB: UnsafePointer<Self>, beta: Self,
                     c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: NetworkScalar {
    @inline(__always) public var double: Double { Double(self) }

    public static func exponential(_ x: Float) -> Float { Kernels.exponential(x) }

    public static func logarithm(_ x: Float) -> Float { Kernels.logarithm(x) }

    @inline(__always)
    public static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, transposeB: Bool, m: Int,
                            n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let kernel = engine.kernel else {
            OpenBLASProducts.sgemm(threads: threads, transposeA: transposeA, transposeB: transposeB, m: m, n: n,
                                   k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        actlm_sgemm(kernel, Int32(threads), transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a,
                    lda, b, ldb, beta, c, ldc)
    }

    public static func packedCount(on engine: MatrixEngine, k: Int, n: Int) -> Int? {
        engine.kernel == nil ? nil : actlm_packed_count(Int32(k), Int32(n))
    }

    public static func pack(on engine: MatrixEngine, transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Float>,
                            ldb: Int, into packed: UnsafeMutablePointer<Float>) {
        actlm_pack(engine.kernel!, transposeB ? 1 : 0, Int32(k), Int32(n), b, ldb, packed)
    }

    @inline(__always)
    public static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, packedB: UnsafePointer<Float>, beta: Float,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        actlm_sgemm_packed(engine.kernel!, Int32(threads), transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda,
                           packedB, beta, c, ldc)
    }
}

/// Gradient checks run in Double, on OpenBLAS whatever the engine: the project's kernels are Float only.
extension Double: NetworkScalar {
    @inline(__always) public var double: Double { self }
    public static func exponential(_ x: Double) -> Double { Kernels.exponential(x) }
    public static func logarithm(_ x: Double) -> Double { Kernels.logarithm(x) }

    @inline(__always)
    public static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, transposeB: Bool, m: Int,
                            n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        OpenBLASProducts.dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: lda,
                               b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    public static func packedCount(on engine: MatrixEngine, k: Int, n: Int) -> Int? { nil }

    public static func pack(on engine: MatrixEngine, transposeB: Bool, k: Int, n: Int, b: UnsafePointer<Double>,
                            ldb: Int, into packed: UnsafeMutablePointer<Double>) {
        preconditionFailure("Double products read B in place")
    }

    public static func gemm(on engine: MatrixEngine, threads: Int, transposeA: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Double>, lda: Int, packedB: UnsafePointer<Double>, beta: Double,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        preconditionFailure("Double products read B in place")
    }
}
