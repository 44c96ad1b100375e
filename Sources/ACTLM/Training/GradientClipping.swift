/// Clipping by global norm: when ‖g‖₂ over all parameters exceeds a limit, the whole gradient is scaled
/// down to it, so its direction is kept while one bad window cannot throw the weights far.
public enum GradientClipping {
    public struct Result: Equatable, Sendable {
        /// ‖g‖₂ before clipping.
        public let norm: Double
        /// What the gradients were multiplied by (1 when not clipped).
        public let scale: Float
        /// False when some gradient is infinite or NaN: the gradients are left as they were and the
        /// update should be skipped.
        public var isFinite: Bool { norm.isFinite }
        public var clipped: Bool { scale != 1 }
    }

    /// ‖g‖₂, accumulated in Double: squares of large Floats would overflow a Float sum.
    public static func globalNorm(_ gradients: UnsafeBufferPointer<Float>) -> Double {
        guard let g = gradients.baseAddress else { return 0 }
        let count = gradients.count
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

    /// Scales `gradients` in place so their global norm is at most `maxNorm`; a `maxNorm` of zero,
    /// negative or infinite only measures.
    @discardableResult
    public static func clip(_ gradients: UnsafeMutableBufferPointer<Float>, maxNorm: Float) -> Result {
        let norm = globalNorm(UnsafeBufferPointer(gradients))
        guard norm.isFinite, maxNorm > 0, maxNorm.isFinite, norm > Double(maxNorm) else {
            return Result(norm: norm, scale: 1)
        }
        let scale = Float(Double(maxNorm) / norm)
        if let g = gradients.baseAddress {
            for i in 0..<gradients.count { g[i] *= scale }
        }
        return Result(norm: norm, scale: scale)
    }

    @discardableResult
    public static func clip(_ gradients: inout [Float], maxNorm: Float) -> Result {
        gradients.withUnsafeMutableBufferPointer { clip($0, maxNorm: maxNorm) }
    }
}
