/// Layer 1's halting decisions shared with the layers above it (`HaltingScope.stack`), for one window:
/// layer 1 writes η^n of every stream, time and ponder step it computes; each layer above reads them, so
/// it halts where layer 1 does with the same p^n, and writes back its own ∂L/∂η^n, which layer 1 adds to
/// its own before its halting unit's backward.
///
/// Indexed by position and step, (t·B + b)·M + n − 1, not by row: the layers keep their rows in their own
/// buffers, and scoring networks (`ForwardKeeps.currentTimeStep`) drop a time step's rows before the layer
/// above reaches it. Layer 1 is always ahead of the layers above in forward and behind them in backward, so
/// each entry is written before it is read.
final class StackHalting<Scalar: NetworkScalar> {
    /// A block of k rows at time t and ponder step n, and each row's stream.
    struct Rows {
        let streams: UnsafePointer<Int32>   // [k]
        let count: Int                      // k
        let t: Int
        let step: Int                       // n
    }

    let batch: Int
    let maxPonder: Int
    /// η^n of layer 1.
    let eta: UnsafeMutablePointer<Scalar>
    /// ∂L/∂η^n of each layer above layer 1 (index l − 1 for layer l, from 0), through its own mix.
    let dEta: [UnsafeMutablePointer<Scalar>]

    init(layers: Int, batch: Int, seq: Int, maxPonder: Int, keeps: ForwardKeeps) {
        self.batch = batch
        self.maxPonder = maxPonder
        let entries = batch * seq * maxPonder
        eta = .allocate(capacity: entries)
        eta.initialize(repeating: 0, count: entries)
        dEta = (1..<layers).map { _ in
            let count = keeps == .wholeWindow ? entries : 0
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

    /// The entry of row j of a block.
    @inline(__always)
    private func index(_ rows: Rows, _ j: Int) -> Int {
        index(position: rows.t * batch + Int(rows.streams[j]), step: rows.step)
    }

    /// Layer 1 shares η^n of a block's rows (`eta` [k]).
    func write(_ eta: UnsafePointer<Scalar>, _ rows: Rows) {
        for j in 0..<rows.count { self.eta[index(rows, j)] = eta[j] }
    }

    /// A layer above takes layer 1's η^n for its rows: layer 1 ran the same streams through step n at t.
    func read(_ eta: UnsafeMutablePointer<Scalar>, _ rows: Rows) {
        for j in 0..<rows.count { eta[j] = self.eta[index(rows, j)] }
    }

    /// A layer above (`depth` l − 1 ≥ 1) passes its ∂L/∂η^n of a block's rows back to layer 1.
    func pass(_ dEta: UnsafePointer<Scalar>, _ rows: Rows, from depth: Int) {
        let passed = self.dEta[depth - 1]
        for j in 0..<rows.count { passed[index(rows, j)] = dEta[j] }
    }

    /// Layer 1 adds to its ∂L/∂η^n what every layer above passed back, layer after layer.
    func addPassed(into dEta: UnsafeMutablePointer<Scalar>, _ rows: Rows) {
        for passed in self.dEta {
            for j in 0..<rows.count { dEta[j] += passed[index(rows, j)] }
        }
    }
}
