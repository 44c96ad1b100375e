import ACTLMKernels

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
        return Kernels.globalNorm(g, count: gradients.count)
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
            Kernels.scale(g, count: gradients.count, by: scale)
        }
        return Result(norm: norm, scale: scale)
    }

    @discardableResult
    public static func clip(_ gradients: inout [Float], maxNorm: Float) -> Result {
        gradients.withUnsafeMutableBufferPointer { clip($0, maxNorm: maxNorm) }
    }
}
