import CBLAS
import Foundation

/// The scalars the network computes in: Float for training, Double for gradient checks. Each brings its
/// BLAS routines and its exponential; everything else is written once, generically, and specialised.
public protocol NetworkScalar: BinaryFloatingPoint, Sendable {
    init(_ value: Double)
    var double: Double { get }
    /// eˣ; Float's is a polynomial that auto-vectorises inside the elementwise loops.
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

extension NetworkScalar {
    @inline(__always) static func sigmoid(_ x: Self) -> Self { 1 / (1 + exponential(-x)) }
    /// tanh through the sigmoid: one exponential, and exact at ±∞.
    @inline(__always) static func hyperbolicTangent(_ x: Self) -> Self { 2 * sigmoid(2 * x) - 1 }
}

@inline(__always)
private func transposeFlag(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: NetworkScalar {
    @inline(__always) public var double: Double { Double(self) }

    /// eˣ to about 2 ulp: 2ⁿ·e^r with n = round(x/ln 2), r reduced in two parts, e^r by a degree-6
    /// polynomial. Branch-free (clamped, not tested), so loops over it vectorise.
    @inline(__always)
    public static func exponential(_ x: Float) -> Float {
        // Constant first: Swift.min(88.7, NaN) is 88.7, so a NaN cannot reach the Int32 conversion.
        let x = Swift.max(-87.3, Swift.min(88.7, x))
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        let r = (x - n * 0.693_145_75) - n * 1.428_606_8e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return p * Float(bitPattern: UInt32(bitPattern: Int32(n) &+ 127) << 23)
    }

    @inline(__always) public static func logarithm(_ x: Float) -> Float { logf(x) }

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
    @inline(__always) public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }

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
