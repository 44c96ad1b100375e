import ACTLMKernels
import CBLAS

/// The scalars the network computes in: Float for training, Double for gradient checks. Each brings its
/// BLAS routines and its kernels (`ScalarKernels`); everything else is written once, generically, and specialised.
public protocol NetworkScalar: BinaryFloatingPoint, ScalarKernels, Sendable {
    init(_ value: Double)
    var double: Double { get }
    /// eˣ, the one the kernels use; Float's is a polynomial that auto-vectorises inside their loops.
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    /// C ← α·op(A)·op(B) + β·C, row-major; op(X) is Xᵀ when `transpose…` is set.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y ← α·A·x + β·y, A row-major [m, n].
    static func gemv(m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
}

@inline(__always)
private func transposeFlag(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: NetworkScalar {
    @inline(__always) public var double: Double { Double(self) }

    public static func exponential(_ x: Float) -> Float { Kernels.exponential(x) }

    public static func logarithm(_ x: Float) -> Float { Kernels.logarithm(x) }

    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        GEMMShapes.record(transposeA, transposeB, m, n, k)
        cblas_sgemm(CblasRowMajor, transposeFlag(transposeA), transposeFlag(transposeB), Int32(m), Int32(n),
                    Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    public static func gemv(m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}

extension Double: NetworkScalar {
    @inline(__always) public var double: Double { self }
    public static func exponential(_ x: Double) -> Double { Kernels.exponential(x) }
    public static func logarithm(_ x: Double) -> Double { Kernels.logarithm(x) }

    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeFlag(transposeA), transposeFlag(transposeB), Int32(m), Int32(n),
                    Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    public static func gemv(m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
}
