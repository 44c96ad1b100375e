/// What an `ACTLSTMLayer`'s forward records over one window for its backward (and for the callers that
/// read h_t, ρ and N), planned once from the config and reused window after window.
///
/// Every ponder step of every stream is a row, in the order computed: a block of rows per (t, n). It keeps
/// the whole window's rows, or only the time step in hand's (`ForwardKeeps`).
final class LayerCache<Scalar: NetworkScalar> {
    /// The rows still running at ponder step n of a time step.
    struct Block {
        let start: Int   // first row
        let count: Int   // k
        let step: Int    // n
    }

    let hidden: Int
    let batch: Int
    let seq: Int
    let keeps: ForwardKeeps

    // Per position t·B + b.
    let xProjection: UnsafeMutablePointer<Scalar> // [T·B, 4H] W_x·u_t + b
    let output: UnsafeMutablePointer<Scalar>      // [T·B, H]  h_t, the mean-field output
    let rho: UnsafeMutablePointer<Float>          // [T·B]     ρ = N + R
    let steps: UnsafeMutablePointer<Int32>        // [T·B]     N
    let finalRow: UnsafeMutablePointer<Int32>     // [T·B]     the row of step N

    // Per row (one ponder step of one stream).
    let gates = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, 4H] activated i, f, o, g
    let hPrev = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, H]  h^{n−1}
    let cPrev = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, H]  c^{n−1}
    let h = GrowableBuffer<Scalar>(capacity: 0, zero: 0)           // [rows, H]  h^n
    let c = GrowableBuffer<Scalar>(capacity: 0, zero: 0)           // [rows, H]  c^n
    let tanhC = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, H]
    let eta = GrowableBuffer<Scalar>(capacity: 0, zero: 0)         // [rows]     η^n
    let probability = GrowableBuffer<Scalar>(capacity: 0, zero: 0) // [rows]     p^n
    let rowStream = GrowableBuffer<Int32>(capacity: 0, zero: 0)    // [rows]     b
    let rowParent = GrowableBuffer<Int32>(capacity: 0, zero: 0)    // [rows]     row of step n−1, −1 at n = 1

    private(set) var blocks: [Block] = []
    private(set) var blocksOfTime: [Range<Int>] = []   // [T] indices into `blocks`
    private(set) var rowCount = 0
    private var firstBlockOfTime = 0

    // Forward's working state within a time step.
    let cumulative: UnsafeMutablePointer<Scalar>  // [B] Σ η so far
    let running: UnsafeMutablePointer<Int32>      // [B] rows that go on to the next step

    init(hidden H: Int, batch: Int, seq: Int, maxPonder: Int, keeps: ForwardKeeps) {
        hidden = H
        self.batch = batch
        self.seq = seq
        self.keeps = keeps
        let positions = batch * seq
        xProjection = .zeroed(positions * 4 * H)
        output = .zeroed(positions * H)
        rho = .zeroed(positions)
        steps = .zeroed(positions)
        finalRow = .zeroed(positions)
        cumulative = .zeroed(batch)
        running = .zeroed(batch)
        blocks.reserveCapacity(seq * maxPonder)
        blocksOfTime.reserveCapacity(seq)
        // An untrained layer takes about two steps; the buffers grow if training makes it ponder longer.
        reserveRows(keeps == .wholeWindow ? positions * min(maxPonder, 3) : batch * maxPonder)
    }

    deinit {
        for p in [xProjection, output, cumulative] { p.deallocate() }
        rho.deallocate()
        steps.deallocate()
        finalRow.deallocate()
        running.deallocate()
    }

    /// Forgets the last window's rows.
    func beginWindow() {
        rowCount = 0
        blocks.removeAll(keepingCapacity: true)
        blocksOfTime.removeAll(keepingCapacity: true)
    }

    /// Starts a time step's blocks; keeping only the time step in hand, the rows of earlier ones go.
    func beginTimeStep() {
        if keeps == .currentTimeStep {
            rowCount = 0
            blocks.removeAll(keepingCapacity: true)
        }
        firstBlockOfTime = blocks.count
    }

    /// The block of ponder step n over k rows, starting after the rows so far, with room made for them.
    func nextBlock(rows k: Int, step n: Int) -> Block {
        let block = Block(start: rowCount, count: k, step: n)
        if block.start + k > eta.capacity { reserveRows(block.start + k + batch * seq) }
        return block
    }

    /// Keeps a block whose rows forward has filled.
    func append(_ block: Block) {
        blocks.append(block)
        rowCount += block.count
    }

    func endTimeStep() {
        if keeps == .wholeWindow { blocksOfTime.append(firstBlockOfTime..<blocks.count) }
    }

    private func reserveRows(_ rows: Int) {
        let H = hidden, keep = rowCount
        for buffer in [hPrev, cPrev, h, c, tanhC] { buffer.reserve(rows * H, keep: keep * H) }
        gates.reserve(rows * 4 * H, keep: keep * 4 * H)
        for buffer in [eta, probability] { buffer.reserve(rows, keep: keep) }
        for buffer in [rowStream, rowParent] { buffer.reserve(rows, keep: keep) }
    }
}
