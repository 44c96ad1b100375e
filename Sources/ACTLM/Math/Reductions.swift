/// Sums over a vector with independent partial sums, so they vectorise (the loops are in ACTLMKernels).
enum Reductions {
    /// log Σ_v exp(z_v), shifted by the maximum so no exponential overflows.
    @inline(__always)
    static func logSumExp<Scalar: NetworkScalar>(_ z: UnsafePointer<Scalar>, count: Int) -> Scalar {
        Scalar.logSumExp(z, count: count)
    }

    /// ⟨a, x − y⟩ + ⟨b, u − v⟩ over `count` entries each.
    @inline(__always)
    static func dotOfDifferences<Scalar: NetworkScalar>(
        _ a: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>,
        _ b: UnsafePointer<Scalar>, _ u: UnsafePointer<Scalar>, _ v: UnsafePointer<Scalar>, count: Int
    ) -> Scalar {
        Scalar.dotOfDifferences(a, x, y, b, u, v, count: count)
    }
}
