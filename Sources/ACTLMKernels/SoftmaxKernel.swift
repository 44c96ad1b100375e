/// The gradient of −ln softmax(z)[target] at one position, scaled, in place of the logits; and the
/// entropy of softmax(z).
enum SoftmaxKernel<Scalar: KernelScalar> {
    @inline(__always)
    static func gradient(_ z: UnsafeMutablePointer<Scalar>, count V: Int, logSumExp lse: Scalar, target: Int,
                         scale: Scalar, biasGradient: UnsafeMutablePointer<Scalar>) {
        for v in 0..<V { z[v] = scale * Scalar.exponential(z[v] - lse) }
        z[target] -= scale
        for v in 0..<V { biasGradient[v] += z[v] }
    }

    /// −Σ_v p_v ln p_v of p = softmax(z), from ln p_v = z_v − lse: every term is p_v·(lse − z_v) ≥ 0, so
    /// the sum is never negative, however the exponentials round.
    @inline(__always)
    static func entropy(_ z: UnsafePointer<Scalar>, count V: Int, logSumExp lse: Scalar) -> Scalar {
        var sum = Scalar(0)
        for v in 0..<V {
            let surprise = max(lse - z[v], 0)
            sum += Scalar.exponential(-surprise) * surprise
        }
        return sum
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

    /// The entropy of softmax(z) in nats, given log Σ exp(z).
    @inline(never)
    public static func softmaxEntropy(_ z: UnsafePointer<Float>, count: Int, logSumExp: Float) -> Float {
        SoftmaxKernel.entropy(z, count: count, logSumExp: logSumExp)
    }
}

extension Double {
    @inline(never)
    public static func softmaxGradient(_ z: UnsafeMutablePointer<Double>, count: Int, logSumExp: Double, target: Int,
                                       scale: Double, biasGradient: UnsafeMutablePointer<Double>) {
        SoftmaxKernel.gradient(z, count: count, logSumExp: logSumExp, target: target, scale: scale,
                               biasGradient: biasGradient)
    }

    @inline(never)
    public static func softmaxEntropy(_ z: UnsafePointer<Double>, count: Int, logSumExp: Double) -> Double {
        SoftmaxKernel.entropy(z, count: count, logSumExp: logSumExp)
    }
}
