import Foundation

/// The hot elementwise loops and reductions of the model and the optimizer, in a module of their own so
/// that only they are built with -Ounchecked (Package.swift): the rest of ACTLM keeps its bounds and
/// precondition checks. Each kernel is written once over `KernelScalar` and offered as static functions
/// of Float and Double over raw pointers (`ScalarKernels`). None is @inlinable: code inlined into
/// another module would be compiled with that module's flags.
public enum Kernels {}

/// Float and Double as the kernels see them: each brings its exponential.
protocol KernelScalar: BinaryFloatingPoint {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
}

extension KernelScalar {
    @inline(__always) static func sigmoid(_ x: Self) -> Self { 1 / (1 + exponential(-x)) }
    /// tanh through the sigmoid: one exponential, and exact at ±∞.
    @inline(__always) static func hyperbolicTangent(_ x: Self) -> Self { 2 * sigmoid(2 * x) - 1 }
}

extension Float: KernelScalar {
    /// eˣ to about 2 ulp: 2ⁿ·e^r with n = round(x/ln 2), r reduced in two parts, e^r by a degree-6
    /// polynomial. Branch-free (clamped, not tested), so loops over it vectorise.
    @inline(__always)
    static func exponential(_ x: Float) -> Float {
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

    @inline(__always) static func logarithm(_ x: Float) -> Float { logf(x) }
}

extension Double: KernelScalar {
    @inline(__always) static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}

extension Kernels {
    /// The kernels' eˣ, for callers outside the loops.
    @inline(never) public static func exponential(_ x: Float) -> Float { Float.exponential(x) }
    @inline(never) public static func exponential(_ x: Double) -> Double { Double.exponential(x) }
    @inline(never) public static func logarithm(_ x: Float) -> Float { Float.logarithm(x) }
    @inline(never) public static func logarithm(_ x: Double) -> Double { Double.logarithm(x) }
}
