/// The gradient of −ln softmax(z)[target] at one position, scaled, in place of the logits.
enum SoftmaxKernel<Scalar: KernelScalar> {
    @inline(__always)
    static func gradient(_ z: UnsafeMutablePointer<Scalar>, count V: Int, logSumExp lse: Scalar, target: Int,
                         scale: Scalar, biasGradient: UnsafeMutablePointer<Scalar>) {
        for v in 0..<V { z[v] = scale * Scalar.exponential(z[v] - lse) }
        z[target] -= scale
        for v in 0..<V { biasGradient[v] += z[v] }
    }
}

extension Float {
    /// z ← scale·(softmax(z) − onehot(target)), given log Σ exp(z); adds the result into `biasGradient`.
    @inline(never)
    public static func softmaxGradient(_ z: UnsafeMutablePointer<Float>, count: Int, logSumExp: Float, target: Int,
                                       scale: Float, biasGradient: UnsafeMutablePointer<Float>) {
        SoftmaxKernel.gradient(z, count: count, logSumExp: logSumExp, target: target, scale: scale,
                               biasGradient: biasGradient)
    }
}

extension Double {
    @inline(never)
    public static func softmaxGradient(_ z: UnsafeMutablePointer<Double>, count: Int, logSumExp: Double, target: Int,
                                       scale: Double, biasGradient: UnsafeMutablePointer<Double>) {
        SoftmaxKernel.gradient(z, count: count, logSumExp: logSumExp, target: target, scale: scale,
                               biasGradient: biasGradient)
    }
}
