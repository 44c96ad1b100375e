/// The elementwise part of one LSTM step over k rows, forward and backward side by side. The loops are
/// the ACTLMKernels ones (`Kernels.lstmCellForward`, `lstmCellBackward`): plain loops over raw pointers
/// with an inlined exponential, which auto-vectorise for Float.
///
/// Gate columns of a row are [i | f | o | g], H each.
enum LSTMCell<Scalar: NetworkScalar> {
    /// `gates` holds the pre-activations a on entry and σ(a_i), σ(a_f), σ(a_o), tanh(a_g) on return;
    ///     c = f ⊙ c_prev + i ⊙ g,   h = o ⊙ tanh(c).
    @inline(__always)
    static func forward(rows k: Int, hidden H: Int, gates: UnsafeMutablePointer<Scalar>,
                        cPrev: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>,
                        tanhC: UnsafeMutablePointer<Scalar>, h: UnsafeMutablePointer<Scalar>) {
        Scalar.lstmCellForward(rows: k, hidden: H, gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, h: h)
    }

    /// From dL/dh and dL/dc of the step's outputs (dc not yet including the path through h), writes the
    /// pre-activation gradients `da` [k, 4H] and dL/dc_prev.
    @inline(__always)
    static func backward(rows k: Int, hidden H: Int, gates: UnsafePointer<Scalar>, cPrev: UnsafePointer<Scalar>,
                         tanhC: UnsafePointer<Scalar>, dh: UnsafePointer<Scalar>, dc: UnsafePointer<Scalar>,
                         da: UnsafeMutablePointer<Scalar>, dcPrev: UnsafeMutablePointer<Scalar>) {
        Scalar.lstmCellBackward(rows: k, hidden: H, gates: gates, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: dc,
                                da: da, dcPrev: dcPrev)
    }
}
