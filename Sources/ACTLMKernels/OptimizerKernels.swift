extension Kernels {
    /// One Adam step over `range` of the parameters θ with moments m, v (the optimizer's `Adam.update`):
    ///     m ← β1·m + c1·g,   v ← β2·v + c2·g²,   θ ← keep·θ − stepSize·m / (√v·inverseRoot2 + ε).
    /// One pass, no allocation; vectorises (sqrt and divide included).
    @inline(never)
    public static func adamUpdate(_ range: Range<Int>, parameters theta: UnsafeMutablePointer<Float>,
                                  gradients g: UnsafePointer<Float>, m mp: UnsafeMutablePointer<Float>,
                                  v vp: UnsafeMutablePointer<Float>, beta1 b1: Float, beta2 b2: Float,
                                  oneMinusBeta1 c1: Float, oneMinusBeta2 c2: Float, stepSize: Float, keep: Float,
                                  inverseRoot2: Float, epsilon eps: Float) {
        for i in range {
            let gi = g[i]
            let mi = b1 * mp[i] + c1 * gi
            let vi = b2 * vp[i] + c2 * gi * gi
            mp[i] = mi
            vp[i] = vi
            theta[i] = keep * theta[i] - stepSize * mi / (vi.squareRoot() * inverseRoot2 + eps)
        }
    }

    /// ‖g‖₂, accumulated in Double: squares of large Floats would overflow a Float sum.
    @inline(never)
    public static func globalNorm(_ g: UnsafePointer<Float>, count: Int) -> Double {
        // Four independent sums keep the adders busy and let the loop vectorise.
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            let a = Double(g[i]), b = Double(g[i + 1]), c = Double(g[i + 2]), d = Double(g[i + 3])
            s0 += a * a
            s1 += b * b
            s2 += c * c
            s3 += d * d
            i += 4
        }
        while i < count {
            let a = Double(g[i])
            s0 += a * a
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)).squareRoot()
    }

    /// g ← scale·g over `count` entries.
    @inline(never)
    public static func scale(_ g: UnsafeMutablePointer<Float>, count: Int, by scale: Float) {
        for i in 0..<count { g[i] *= scale }
    }
}
