/// Where a data-parallel run joins its replicas, between backward and clipping. Every replica holds the
/// same weights and trains on its own windows; all must then take the same step, from the gradient of
/// the mean objective over the positions of all of them.
public protocol GradientReduction: AnyObject {
    /// Replaces `values`, on every replica, by their element-wise sum over all replicas.
    func sum(_ values: UnsafeMutableBufferPointer<Float>) throws
    /// The same for the loss totals.
    func sum(_ values: UnsafeMutableBufferPointer<Double>) throws
}
