/// One ACT-LSTM layer (act-lstm.md, "One ACT-LSTM layer") over a window of T time steps for B streams,
/// forward and backward side by side.
///
/// Forward: the input projection W_x·u_t + b, one GEMM per chunk of time steps (a row lookup for bytes);
/// then, per time step, ponder steps n = 1, 2, … over only the rows still running, each one recurrent
/// GEMM. Every ponder step of every row is a "row" of the cache, in the order computed: a block of
/// rows per (t, n). Backward walks the blocks in reverse and leaves the weight-gradient GEMMs to one
/// product each over the whole window.
final class ACTLSTMLayer<Scalar: NetworkScalar> {
    struct Block {
        let start: Int   // first row
        let count: Int   // k, the rows still running at this ponder step
        let step: Int    // n
    }

    let H: Int
    let batch: Int
    let seq: Int
    let maxPonder: Int                // M
    let threshold: Scalar             // 1 − ε
    let haltingInput: HaltingInput
    let parameters: ParameterLayout.Layer
    /// l − 1 for layer l: 0 is the layer that reads bytes.
    let depth: Int
    /// Layer 1's halting shared with the stack (`HaltingScope.stack`): layer 1 writes to it, the layers
    /// above, which have no halting unit, read from it. nil when every layer halts on its own.
    let stackHalting: StackHalting<Scalar>?
    /// Training keeps every row of the window for backward; forward-only use (scoring) keeps only the
    /// rows of the time step in hand, so its windows can be long at little memory.
    let keepsRows: Bool
    var readsBytes: Bool { parameters.readsBytes }

    // Carried between windows.
    let hState: UnsafeMutablePointer<Scalar>      // [B, H]
    let cState: UnsafeMutablePointer<Scalar>      // [B, H]

    // Per window.
    let xProjection: UnsafeMutablePointer<Scalar> // [T·B, 4H] W_x·u_t + b
    let output: UnsafeMutablePointer<Scalar>      // [T·B, H]  h_t, the mean-field output
    let rho: UnsafeMutablePointer<Float>          // [T·B]     ρ = N + R
    let steps: UnsafeMutablePointer<Int32>        // [T·B]     N
    let finalRow: UnsafeMutablePointer<Int32>     // [T·B]     the row of step N
    private(set) var blocks: [Block] = []
    private var blocksOfTime: [Range<Int>] = []    // [T] indices into `blocks`
    private(set) var rowCount = 0

    // Per row (one ponder step of one stream).
    let gates = GrowableBuffer<Scalar>(capacity: 0, zero: 0)   // [rows, 4H] activated i, f, o, g
    let hPrev = GrowableBuffer<Scalar>(capacity: 0, zero: 0)   // [rows, H]  h^{n−1}
    let cPrev = GrowableBuffer<Scalar>(capacity: 0, zero: 0)   // [rows, H]  c^{n−1}
    let h = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, H]  h^n
    let c = GrowableBuffer<Scalar>(capacity: 0, zero: 0)       // [rows, H]  c^n
    let tanhC = GrowableBuffer<Scalar>(capacity: 0, zero: 0)   // [rows, H]
    let eta = GrowableBuffer<Scalar>(capacity: 0, zero: 0)     // [rows]     η^n
    let probability = GrowableBuffer<Scalar>(capacity: 0, zero: 0) // [rows] p^n
    let rowStream = GrowableBuffer<Int32>(capacity: 0, zero: 0)    // [rows] b
    let rowParent = GrowableBuffer<Int32>(capacity: 0, zero: 0)    // [rows] row of step n−1, −1 at n = 1

    // Backward scratch.
    let dGates = GrowableBuffer<Scalar>(capacity: 0, zero: 0)  // [rows, 4H] dL/da
    let dH = GrowableBuffer<Scalar>(capacity: 0, zero: 0)      // [rows, H]  dL/dh^n
    let dC = GrowableBuffer<Scalar>(capacity: 0, zero: 0)      // [rows, H]  dL/dc^n
    let dXProjection: UnsafeMutablePointer<Scalar>             // [T·B, 4H]
    private let dhT: UnsafeMutablePointer<Scalar>              // [B, H] dL/dh_t
    private let dcT: UnsafeMutablePointer<Scalar>              // [B, H] dL/dc_t
    private let dhCarry: UnsafeMutablePointer<Scalar>          // [B, H] dL/dh_{t−1} from step 1 of t
    private let dcCarry: UnsafeMutablePointer<Scalar>          // [B, H]
    private let dhPrevStep: UnsafeMutablePointer<Scalar>       // [B, H] dL/dh^{n−1} of one block
    private let dcPrevStep: UnsafeMutablePointer<Scalar>       // [B, H]
    private let dEta: UnsafeMutablePointer<Scalar>             // [B] dL/dη of one block

    // The weights, made ready once per window for the products of every time and ponder step.
    private let recurrentWeights: PackedMatrix<Scalar>          // W_h [H, 4H]
    private lazy var inputWeights = PackedMatrix<Scalar>(k: H, n: 4 * H, transposed: false, ld: 4 * H)  // above layer 1
    private lazy var recurrentWeightsTransposed = PackedMatrix<Scalar>(k: 4 * H, n: H, transposed: true, ld: 4 * H)
    private lazy var inputWeightsTransposed = PackedMatrix<Scalar>(k: 4 * H, n: H, transposed: true, ld: 4 * H)

    // Forward scratch.
    private let cumulative: UnsafeMutablePointer<Scalar>       // [B] Σ η so far
    private let running: UnsafeMutablePointer<Int32>           // [B] rows that go on to the next step

    /// Matrix FLOPs done so far (forward and backward). The products the layer below's thread runs for
    /// this one (`project`, `passDown`) count apart, so that no two threads add to one count.
    var flops: Double { ownFlops + inputFlops }
    private var ownFlops = 0.0
    private var inputFlops = 0.0

    init(layout: ParameterLayout.Layer, depth: Int, config: ModelConfig, batch: Int, seq: Int, keepsRows: Bool = true,
         stackHalting: StackHalting<Scalar>? = nil) {
        H = config.hidden
        self.batch = batch
        self.seq = seq
        maxPonder = config.maxPonder
        threshold = Scalar(1 - config.epsilon)
        haltingInput = config.haltingInput
        parameters = layout
        self.depth = depth
        self.stackHalting = stackHalting
        self.keepsRows = keepsRows
        func make<T>(_ count: Int, _ zero: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: zero, count: count)
            return p
        }
        let positions = batch * seq
        hState = make(batch * H, 0)
        cState = make(batch * H, 0)
        xProjection = make(positions * 4 * H, 0)
        output = make(positions * H, 0)
        rho = make(positions, 0)
        steps = make(positions, 0)
        finalRow = make(positions, 0)
        dXProjection = make(keepsRows ? positions * 4 * H : 0, 0)
        dhT = make(batch * H, 0)
        dcT = make(batch * H, 0)
        dhCarry = make(batch * H, 0)
        dcCarry = make(batch * H, 0)
        dhPrevStep = make(batch * H, 0)
        dcPrevStep = make(batch * H, 0)
        dEta = make(batch, 0)
        cumulative = make(batch, 0)
        running = make(batch, 0)
        recurrentWeights = PackedMatrix(k: H, n: 4 * H, transposed: false, ld: 4 * H)
        blocks.reserveCapacity(seq * maxPonder)
        blocksOfTime.reserveCapacity(seq)
        // An untrained layer takes about two steps; the buffers grow if training makes it ponder longer.
        reserveRows(keepsRows ? positions * min(maxPonder, 3) : batch * maxPonder)
    }

    deinit {
        for p in [hState, cState, xProjection, output, dXProjection, dhT, dcT, dhCarry, dcCarry, dhPrevStep,
                  dcPrevStep, dEta, cumulative] { p.deallocate() }
        rho.deallocate()
        steps.deallocate()
        finalRow.deallocate()
        running.deallocate()
    }

    private func reserveRows(_ rows: Int) {
        let keep = rowCount
        for buffer in [hPrev, cPrev, h, c, tanhC] { buffer.reserve(rows * H, keep: keep * H) }
        gates.reserve(rows * 4 * H, keep: keep * 4 * H)
        for buffer in [eta, probability] { buffer.reserve(rows, keep: keep) }
        for buffer in [rowStream, rowParent] { buffer.reserve(rows, keep: keep) }
    }

    func resetState() {
        hState.update(repeating: 0, count: batch * H)
        cState.update(repeating: 0, count: batch * H)
    }

    func resetState(stream b: Int) {
        (hState + b * H).update(repeating: 0, count: H)
        (cState + b * H).update(repeating: 0, count: H)
    }

    // MARK: Forward
    // A window: `beginForward`, then chunk by chunk (`Wavefront`) `project` (layers above the first) and
    // `forward(t:)` for each time step.

    /// Starts a window: forgets the last one's rows, makes the weights ready; for the byte layer, the
    /// input projection of the whole window (b plus W_x's row for each byte).
    func beginForward(_ θ: UnsafePointer<Scalar>, length: Int, bytes: UnsafePointer<UInt8>?) {
        rowCount = 0
        blocks.removeAll(keepingCapacity: true)
        blocksOfTime.removeAll(keepingCapacity: true)
        recurrentWeights.prepare(θ + parameters.recurrentWeights.lowerBound, rows: length * batch)
        guard let bytes else { return }
        let G = 4 * H
        let Wx = θ + parameters.inputWeights.lowerBound, bias = θ + parameters.bias.lowerBound
        for i in 0..<(length * batch) {
            let row = xProjection + i * G, w = Wx + Int(bytes[i]) * G
            for j in 0..<G { row[j] = w[j] + bias[j] }
        }
    }

    /// Makes W_x ready for a window's `project` calls (layers above the first).
    func beginProjecting(_ θ: UnsafePointer<Scalar>, length: Int) {
        inputWeights.prepare(θ + parameters.inputWeights.lowerBound, rows: length * batch)
    }

    /// The input projection W_x·u_t + b of the time steps `times`, in one GEMM, from `below` [T·B, H].
    func project(_ θ: UnsafePointer<Scalar>, times: Range<Int>, below: UnsafePointer<Scalar>) {
        let H = self.H, G = 4 * H, first = times.lowerBound * batch, rows = times.count * batch
        let bias = θ + parameters.bias.lowerBound
        for i in first..<(first + rows) { (xProjection + i * G).update(from: bias, count: G) }
        inputWeights.multiply(m: rows, a: below + first * H, lda: H, beta: 1, c: xProjection + first * G, ldc: G)
        inputFlops += 2 * Double(rows * G * H)
    }

    /// Time step t (the ones before it done, and its input projected). Returns Σρ over the B streams.
    func forward(_ θ: UnsafePointer<Scalar>, t: Int) -> Double {
        guard keepsRows else {
            // No backward follows: the rows of earlier time steps are not needed again.
            rowCount = 0
            blocks.removeAll(keepingCapacity: true)
            return timeStep(θ, t: t)
        }
        let firstBlock = blocks.count
        let ponder = timeStep(θ, t: t)
        blocksOfTime.append(firstBlock..<blocks.count)
        return ponder
    }

    /// Ponders on x_t until every stream halts; leaves h_t in `output` and in the carried state.
    /// Returns Σρ over the B streams.
    private func timeStep(_ θ: UnsafePointer<Scalar>, t: Int) -> Double {
        let B = batch, hOut = output + t * B * H
        var ponder = 0.0
        var k = B
        for j in 0..<B { running[j] = Int32(j) }
        for n in 1...maxPonder {
            let block = Block(start: rowCount, count: k, step: n)
            if block.start + k > eta.capacity { reserveRows(block.start + k + B * seq) }
            gather(block, θ, t: t)
            if n == 1 {
                // The state now lives in the step-1 rows; accumulate h_t and c_t in its place.
                hOut.update(repeating: 0, count: B * H)
                cState.update(repeating: 0, count: B * H)
                cumulative.update(repeating: 0, count: B)
            }
            cellForward(block)
            haltingForward(block, θ, t: t)
            k = mix(block, t: t, into: hOut, ponder: &ponder)
            blocks.append(block)
            rowCount += block.count
            if k == 0 { break }
        }
        hState.update(from: hOut, count: B * H)
        return ponder
    }

    /// Gathers the block's rows: their previous state (the carried state at n = 1, else the state of the
    /// row's step n − 1) and their pre-activations so far, the input projection (+ the flag at n = 1).
    private func gather(_ block: Block, _ θ: UnsafePointer<Scalar>, t: Int) {
        let H = self.H, G = 4 * H
        let flag = θ + parameters.flagWeights.lowerBound
        for j in 0..<block.count {
            let r = block.start + j
            let b: Int, hFrom: UnsafePointer<Scalar>, cFrom: UnsafePointer<Scalar>
            if block.step == 1 {
                b = j
                rowParent[r] = -1
                hFrom = UnsafePointer(hState + b * H)
                cFrom = UnsafePointer(cState + b * H)
            } else {
                let parent = Int(running[j])
                b = Int(rowStream[parent])
                rowParent[r] = Int32(parent)
                hFrom = UnsafePointer(h.pointer + parent * H)
                cFrom = UnsafePointer(c.pointer + parent * H)
            }
            rowStream[r] = Int32(b)
            (hPrev.pointer + r * H).update(from: hFrom, count: H)
            (cPrev.pointer + r * H).update(from: cFrom, count: H)
            let a = gates.pointer + r * G, x = xProjection + (t * batch + b) * G
            if block.step == 1 {
                for q in 0..<G { a[q] = x[q] + flag[q] }
            } else {
                a.update(from: x, count: G)
            }
        }
    }

    /// The LSTM step of the block's rows: a += h^{n−1}·W_h, then the gates, c^n and h^n.
    private func cellForward(_ block: Block) {
        let H = self.H, G = 4 * H, s = block.start, k = block.count
        let a = gates.pointer + s * G
        recurrentWeights.multiply(m: k, a: hPrev.pointer + s * H, lda: H, beta: 1, c: a, ldc: G)
        LSTMCell.forward(rows: k, hidden: H, gates: a, cPrev: cPrev.pointer + s * H, c: c.pointer + s * H,
                         tanhC: tanhC.pointer + s * H, h: h.pointer + s * H)
        ownFlops += 2 * Double(k * G * H)
    }

    /// η^n of the block's rows: from the layer's halting unit, or layer 1's for a layer without one.
    private func haltingForward(_ block: Block, _ θ: UnsafePointer<Scalar>, t: Int) {
        let H = self.H, s = block.start
        guard parameters.hasHaltingUnit else {
            // Layer 1 ran the same streams through step n at t, so each row has its η there.
            let shared = stackHalting!.eta
            for r in s..<(s + block.count) { eta[r] = shared[stackEntry(row: r, t: t, step: block.step)] }
            return
        }
        HaltingUnit.forward(rows: block.count, hidden: H, h: h.pointer + s * H, c: c.pointer + s * H,
                            tanhC: tanhC.pointer + s * H, weights: θ + parameters.haltingWeights.lowerBound,
                            bias: θ[parameters.haltingBias.lowerBound], eta: eta.pointer + s, input: haltingInput)
        ownFlops += 2 * Double(block.count * parameters.haltingWeights.count)
        if let shared = stackHalting?.eta {
            for r in s..<(s + block.count) { shared[stackEntry(row: r, t: t, step: block.step)] = eta[r] }
        }
    }

    /// Where row r's η and ∂L/∂η, at time t and ponder step n, live in `stackHalting`.
    @inline(__always)
    private func stackEntry(row r: Int, t: Int, step n: Int) -> Int {
        stackHalting!.index(position: t * batch + Int(rowStream[r]), step: n)
    }

    /// Halts the rows whose Σ η reaches 1 − ε (all of them at n = M) and adds each row into the
    /// mean-field h_t, c_t with its p^n: η^n, or R = 1 − Σ η at the step it halts. Leaves the rows that
    /// go on in `running` and returns how many there are.
    private func mix(_ block: Block, t: Int, into hOut: UnsafeMutablePointer<Scalar>, ponder: inout Double) -> Int {
        let H = self.H, B = batch, n = block.step
        var next = 0
        for j in 0..<block.count {
            let r = block.start + j, b = Int(rowStream[r]), e = eta[r]
            let halts = n == maxPonder || cumulative[b] + e >= threshold
            let p = halts ? 1 - cumulative[b] : e
            probability[r] = p
            Scalar.addScaledPair(p, h.pointer + r * H, into: hOut + b * H, c.pointer + r * H, into: cState + b * H,
                                 count: H)
            if halts {
                let i = t * B + b
                finalRow[i] = Int32(r)
                steps[i] = Int32(n)
                rho[i] = Float(Double(n) + p.double)
                ponder += Double(n) + p.double
            } else {
                cumulative[b] += e
                running[next] = Int32(r)
                next += 1
            }
        }
        return next
    }

    // MARK: Backward

    // A window backward: `beginBackward`, then chunk by chunk from the last `backward(t:)` for each time
    // step and `passDown` (layers above the first), then `weightGradients`. Parameter gradients are added
    // into `g`; ∂L/∂ρ is `ponderWeight`, i.e. τ/(B·T).

    /// Starts the window's backward: zeroes the gradients that rows and time steps accumulate into, and
    /// makes the transposed weights ready.
    func beginBackward(_ θ: UnsafePointer<Scalar>, length: Int) {
        precondition(keepsRows, "backward needs a layer that keeps its rows")
        let H = self.H, B = batch, G = 4 * H
        dGates.reserve(rowCount * G, keep: 0)
        dH.reserve(rowCount * H, keep: 0)
        dC.reserve(rowCount * H, keep: 0)
        dH.fill(0, count: rowCount * H)
        dC.fill(0, count: rowCount * H)
        dXProjection.update(repeating: 0, count: length * B * G)
        dhCarry.update(repeating: 0, count: B * H)   // the state leaving the window gets no gradient
        dcCarry.update(repeating: 0, count: B * H)
        recurrentWeightsTransposed.prepare(θ + parameters.recurrentWeights.lowerBound, rows: rowCount)
        if !readsBytes { inputWeightsTransposed.prepare(θ + parameters.inputWeights.lowerBound, rows: length * B) }
    }

    /// Time step t backward (the ones after it done): its blocks in reverse, from dL/dh_t in `dOutput`.
    func backward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, t: Int,
                  dOutput: UnsafePointer<Scalar>, ponderWeight: Scalar) {
        let H = self.H, B = batch
        // dL/dh_t: from above and from step 1 of t + 1; dL/dc_t: from step 1 of t + 1 only.
        let dOut = dOutput + t * B * H
        for i in 0..<(B * H) {
            dhT[i] = dOut[i] + dhCarry[i]
            dcT[i] = dcCarry[i]
        }
        for blockIndex in blocksOfTime[t].reversed() {
            let block = blocks[blockIndex]
            mixBackward(block, t: t, ponderWeight: ponderWeight)
            haltingBackward(block, θ, g, t: t)
            cellBackward(block)
            scatterBackward(block, g, t: t)
        }
    }

    /// dL/du = dL/d(W_x·u)·W_xᵀ of the time steps `times` (all done), in one GEMM, into `dInput` [T·B, H].
    func passDown(times: Range<Int>, dInput: UnsafeMutablePointer<Scalar>) {
        let H = self.H, G = 4 * H, first = times.lowerBound * batch, rows = times.count * batch
        inputWeightsTransposed.multiply(m: rows, a: dXProjection + first * G, lda: G, beta: 0, c: dInput + first * H,
                                        ldc: H)
        inputFlops += 2 * Double(rows * G * H)
    }

    /// The mean-field mix backward: dL/dh^n += p^n·dh_t and dL/dc^n += p^n·dc_t for each row, and into
    /// `dEta` ∂L/∂η^n = ⟨dh_t, h^n − h^N⟩ + ⟨dc_t, c^n − c^N⟩ − τ for n < N (η^n enters every p^m, m ≤ N,
    /// through p^N = 1 − Σ_{m<N} η^m); 0 for the step that halted, whose η is not used.
    private func mixBackward(_ block: Block, t: Int, ponderWeight: Scalar) {
        let H = self.H, B = batch
        for j in 0..<block.count {
            let r = block.start + j, b = Int(rowStream[r]), p = probability[r]
            let dhr = dH.pointer + r * H, dcr = dC.pointer + r * H
            let dht = dhT + b * H, dct = dcT + b * H
            Scalar.addScaledPair(p, dht, into: dhr, dct, into: dcr, count: H)
            let last = Int(finalRow[t * B + b])
            if r == last {
                dEta[j] = 0
            } else {
                let hN = h.pointer + last * H, cN = c.pointer + last * H
                dEta[j] = Reductions.dotOfDifferences(dht, h.pointer + r * H, hN, dct, c.pointer + r * H, cN,
                                                      count: H) - ponderWeight
            }
        }
    }

    /// The halting unit backward: from `dEta` into dL/dh^n, dL/dc^n and the gradients of w_η, b_η.
    /// Sharing layer 1's halting, a layer above passes its `dEta` to layer 1 instead, and layer 1 adds
    /// what every layer above passed to its own first.
    private func haltingBackward(_ block: Block, _ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>,
                                 t: Int) {
        let H = self.H, s = block.start
        if let shared = stackHalting {
            guard parameters.hasHaltingUnit else {
                let passed = shared.dEta[depth - 1]
                for j in 0..<block.count { passed[stackEntry(row: s + j, t: t, step: block.step)] = dEta[j] }
                return
            }
            for passed in shared.dEta {
                for j in 0..<block.count { dEta[j] += passed[stackEntry(row: s + j, t: t, step: block.step)] }
            }
        }
        HaltingUnit.backward(rows: block.count, hidden: H, h: h.pointer + s * H, c: c.pointer + s * H,
                             tanhC: tanhC.pointer + s * H, eta: eta.pointer + s,
                             weights: θ + parameters.haltingWeights.lowerBound, dEta: dEta,
                             dh: dH.pointer + s * H, dc: dC.pointer + s * H,
                             dWeights: g + parameters.haltingWeights.lowerBound,
                             dBias: g + parameters.haltingBias.lowerBound, input: haltingInput)
    }

    /// The LSTM step backward: dL/da of the block's rows into `dGates`, dL/dc^{n−1} into `dcPrevStep`
    /// and dL/dh^{n−1} = da · W_hᵀ into `dhPrevStep`.
    private func cellBackward(_ block: Block) {
        let H = self.H, G = 4 * H, s = block.start, k = block.count
        let da = dGates.pointer + s * G
        LSTMCell.backward(rows: k, hidden: H, gates: gates.pointer + s * G, cPrev: cPrev.pointer + s * H,
                          tanhC: tanhC.pointer + s * H, dh: dH.pointer + s * H, dc: dC.pointer + s * H,
                          da: da, dcPrev: dcPrevStep)
        recurrentWeightsTransposed.multiply(m: k, a: da, lda: G, beta: 0, c: dhPrevStep, ldc: H)
        ownFlops += 2 * Double(k * G * H)
    }

    /// The gather backward: dL/dh^{n−1}, dL/dc^{n−1} to the row's step n − 1 (to the carry into t − 1 at
    /// n = 1), and dL/da to the input projection of x_t (and to the flag at n = 1).
    private func scatterBackward(_ block: Block, _ g: UnsafeMutablePointer<Scalar>, t: Int) {
        let H = self.H, G = 4 * H, B = batch
        let da = dGates.pointer + block.start * G
        let gFlag = g + parameters.flagWeights.lowerBound
        for j in 0..<block.count {
            let r = block.start + j, b = Int(rowStream[r])
            let dhp = dhPrevStep + j * H, dcp = dcPrevStep + j * H
            if block.step == 1 {
                (dhCarry + b * H).update(from: dhp, count: H)
                (dcCarry + b * H).update(from: dcp, count: H)
            } else {
                let parent = Int(rowParent[r])
                let dhr = dH.pointer + parent * H, dcr = dC.pointer + parent * H
                for q in 0..<H {
                    dhr[q] += dhp[q]
                    dcr[q] += dcp[q]
                }
            }
            let dx = dXProjection + (t * B + b) * G, dar = da + j * G
            for q in 0..<G { dx[q] += dar[q] }
            if block.step == 1 {
                for q in 0..<G { gFlag[q] += dar[q] }
            }
        }
    }

    /// The weight gradients over the whole window (all time steps done), one GEMM each
    /// (dW_h = Σ_rows h^{n−1}ᵀ da).
    func weightGradients(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, length: Int,
                         bytes: UnsafePointer<UInt8>?, below: UnsafePointer<Scalar>?) {
        let H = self.H, G = 4 * H, positions = length * batch
        Scalar.gemm(transposeA: true, transposeB: false, m: H, n: G, k: rowCount, alpha: 1, a: hPrev.pointer, lda: H,
                    b: dGates.pointer, ldb: G, beta: 1, c: g + parameters.recurrentWeights.lowerBound, ldc: G)
        ownFlops += 2 * Double(rowCount * G * H)
        let gBias = g + parameters.bias.lowerBound
        let gWx = g + parameters.inputWeights.lowerBound
        for i in 0..<positions {
            let dx = dXProjection + i * G
            for q in 0..<G { gBias[q] += dx[q] }
            if let bytes {
                let w = gWx + Int(bytes[i]) * G
                for q in 0..<G { w[q] += dx[q] }
            }
        }
        if let below {
            Scalar.gemm(transposeA: true, transposeB: false, m: H, n: G, k: positions, alpha: 1, a: below, lda: H,
                        b: dXProjection, ldb: G, beta: 1, c: gWx, ldc: G)
            ownFlops += 2 * Double(positions * G * H)
        }
    }
}
