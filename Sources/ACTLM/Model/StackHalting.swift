/// Layer 1's halting decisions shared with the layers above it (`HaltingScope.stack`), for one window:
/// layer 1 writes η^n of every stream, time and ponder step it computes; each layer above reads them, so
/// it halts where layer 1 does with the same p^n, and writes back its own ∂L/∂η^n, which layer 1 adds to
/// its own before its halting unit's backward.
///
/// Indexed by position and step, (t·B + b)·M + n − 1, not by row: the layers keep their rows in their own
/// buffers, and forward-only networks drop a time step's rows before the layer above reaches it. Layer 1
/// is always ahead of the layers above in forward and behind them in backward, so each entry is written
/// before it is read.
final class StackHalting<Scalar: NetworkScalar> {
    let maxPonder: Int
    /// η^n of layer 1.
    let eta: UnsafeMutablePointer<Scalar>
    /// ∂L/∂η^n of each layer above layer 1 (index l − 1 for layer l, from 0), through its own mix.
    let dEta: [UnsafeMutablePointer<Scalar>]

    init(layers: Int, batch: Int, seq: Int, maxPonder: Int, keepsGradients: Bool) {
        self.maxPonder = maxPonder
        let entries = batch * seq * maxPonder
        eta = .allocate(capacity: entries)
        eta.initialize(repeating: 0, count: entries)
        dEta = (1..<layers).map { _ in
            let count = keepsGradients ? entries : 0
            let d = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            d.initialize(repeating: 0, count: count)
            return d
        }
    }

    deinit {
        eta.deallocate()
        for d in dEta { d.deallocate() }
    }

    /// The entry of stream position i = t·B + b at ponder step n.
    @inline(__always)
    func index(position i: Int, step n: Int) -> Int { i * maxPonder + n - 1 }
}
