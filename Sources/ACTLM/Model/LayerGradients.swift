/// The working buffers of an `ACTLSTMLayer`'s backward over one window, planned once from the config:
/// the gradients of its rows, of its input projection and of its output, and the ones carried from row
/// to row and from time step to time step.
final class LayerGradients<Scalar: NetworkScalar> {
    let hidden: Int
    let batch: Int

    // Per row, as `LayerCache`'s rows.
    let dGates = GrowableBuffer<Scalar>(capacity: 0, zero: 0)  // [rows, 4H] dL/da
    let dH = GrowableBuffer<Scalar>(capacity: 0, zero: 0)      // [rows, H]  dL/dh^n
    let dC = GrowableBuffer<Scalar>(capacity: 0, zero: 0)      // [rows, H]  dL/dc^n

    // Per position t·B + b.
    let dXProjection: UnsafeMutablePointer<Scalar>  // [T·B, 4H] dL/d(W_x·u_t + b)
    /// dL/dh_t from above: from the output layer for the top layer, passed down by the layer above for the others.
    let dOutput: UnsafeMutablePointer<Scalar>       // [T·B, H]

    // Per stream.
    let dhT: UnsafeMutablePointer<Scalar>           // [B, H] dL/dh_t
    let dcT: UnsafeMutablePointer<Scalar>           // [B, H] dL/dc_t
    let dhCarry: UnsafeMutablePointer<Scalar>       // [B, H] dL/dh_{t−1} from step 1 of t
    let dcCarry: UnsafeMutablePointer<Scalar>       // [B, H]
    let dhPrevStep: UnsafeMutablePointer<Scalar>    // [B, H] dL/dh^{n−1} of one block
    let dcPrevStep: UnsafeMutablePointer<Scalar>    // [B, H]
    let dEta: UnsafeMutablePointer<Scalar>          // [B]    dL/dη of one block

    /// Buffers for a window of `seq` steps when forward keeps the whole window, none otherwise (there is
    /// no backward).
    init(hidden H: Int, batch: Int, seq: Int, keeps: ForwardKeeps) {
        hidden = H
        self.batch = batch
        let positions = keeps == .wholeWindow ? batch * seq : 0
        dXProjection = .zeroed(positions * 4 * H)
        dOutput = .zeroed(positions * H)
        dhT = .zeroed(batch * H)
        dcT = .zeroed(batch * H)
        dhCarry = .zeroed(batch * H)
        dcCarry = .zeroed(batch * H)
        dhPrevStep = .zeroed(batch * H)
        dcPrevStep = .zeroed(batch * H)
        dEta = .zeroed(batch)
    }

    deinit {
        for p in [dXProjection, dOutput, dhT, dcT, dhCarry, dcCarry, dhPrevStep, dcPrevStep, dEta] { p.deallocate() }
    }

    /// Zeroes what a window's rows and time steps add into, for `rows` rows over `length` time steps.
    func beginWindow(rows: Int, length: Int) {
        let H = hidden, B = batch, G = 4 * H
        dGates.reserve(rows * G, keep: 0)
        dH.reserve(rows * H, keep: 0)
        dC.reserve(rows * H, keep: 0)
        dH.fill(0, count: rows * H)
        dC.fill(0, count: rows * H)
        dXProjection.update(repeating: 0, count: length * B * G)
        dhCarry.update(repeating: 0, count: B * H)   // the state leaving the window gets no gradient
        dcCarry.update(repeating: 0, count: B * H)
    }
}
