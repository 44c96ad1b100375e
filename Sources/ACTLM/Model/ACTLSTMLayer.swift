/// One ACT-LSTM layer (docs/act-lstm.md, "One ACT-LSTM layer") over a window of T time steps for B streams.
///
/// Every part is a pair, forward beside backward, with one argument order (θ, g, block, t):
/// `lookup` (layer 1's input, a row of W_x per byte) or `project` (W_x·u_t, one GEMM per chunk of time
/// steps, for the layers above), then per time step and ponder step n over only the rows still running:
/// `gather` (the previous state and the input projection), `cell` (the LSTM step, one recurrent GEMM),
/// `halting` (η^n) and `mix` (halt, and add the row into the mean-field h_t, c_t with its p^n).
/// Forward records what backward needs in `cache`; backward walks its blocks in reverse and leaves the
/// weight gradients to one product each over the whole window (`weightGradients`).
final class ACTLSTMLayer<Scalar: NetworkScalar> {
    typealias Block = LayerCache<Scalar>.Block

    let H: Int
    let batch: Int
    let maxPonder: Int                // M (K, fixed)
    /// ACT, or the fixed control: exactly M steps a byte, the last one's state carried on, no halting.
    let ponderMode: PonderMode
    let threshold: Scalar             // 1 − ε
    let haltingInput: HaltingInput
    let parameters: ParameterLayout.Layer
    /// l − 1 for layer l: 0 is the layer that reads bytes.
    let depth: Int
    /// Layer 1's halting shared with the stack (`HaltingScope.stack`): layer 1 writes to it, the layers
    /// above, which have no halting unit, read from it. nil when every layer halts on its own.
    let stackHalting: StackHalting<Scalar>?
    let cache: LayerCache<Scalar>
    let gradients: LayerGradients<Scalar>

    // Carried between windows.
    let hState: UnsafeMutablePointer<Scalar>      // [B, H]
    let cState: UnsafeMutablePointer<Scalar>      // [B, H]

    /// Σρ over the last forward window's positions.
    private(set) var ponder = 0.0

    // The weights, made ready once per window for the products of every time and ponder step.
    let products: MatrixProducts
    private let recurrentWeights: PackedMatrix<Scalar>          // W_h [H, 4H]
    lazy var inputWeights = PackedMatrix<Scalar>(k: H, n: 4 * H, transposed: false, ld: 4 * H,  // above layer 1
                                                 products: products)
    private lazy var recurrentWeightsTransposed = PackedMatrix<Scalar>(k: 4 * H, n: H, transposed: true, ld: 4 * H,
                                                                       products: products)
    lazy var inputWeightsTransposed = PackedMatrix<Scalar>(k: 4 * H, n: H, transposed: true, ld: 4 * H,
                                                           products: products)

    /// Matrix FLOPs done so far, forward and backward. Only the layer's own thread adds to it: its input
    /// projection counts by time steps as the layer runs them, whichever thread multiplied which columns.
    var flops = 0.0

    /// h_t of the last forward window [T·B, H].
    var output: UnsafeMutablePointer<Scalar> { cache.output }

    init(layout: ParameterLayout.Layer, depth: Int, config: ModelConfig, batch: Int, seq: Int,
         keeps: ForwardKeeps = .wholeWindow, stackHalting: StackHalting<Scalar>? = nil, products: MatrixProducts) {
        H = config.hidden
        self.batch = batch
        maxPonder = config.maxPonder
        ponderMode = config.ponder
        threshold = Scalar(1 - config.epsilon)
        haltingInput = config.haltingInput
        parameters = layout
        self.depth = depth
        self.stackHalting = stackHalting
        cache = LayerCache(hidden: H, batch: batch, seq: seq, maxPonder: maxPonder, keeps: keeps)
        gradients = LayerGradients(hidden: H, batch: batch, seq: seq, keeps: keeps)
        hState = .zeroed(batch * H)
        cState = .zeroed(batch * H)
        self.products = products
        recurrentWeights = PackedMatrix(k: H, n: 4 * H, transposed: false, ld: 4 * H, products: products)
    }

    deinit {
        hState.deallocate()
        cState.deallocate()
    }

    func resetState() {
        hState.update(repeating: 0, count: batch * H)
        cState.update(repeating: 0, count: batch * H)
    }

    func resetState(stream b: Int) {
        (hState + b * H).update(repeating: 0, count: H)
        (cState + b * H).update(repeating: 0, count: H)
    }

    // MARK: The window

    /// Starts a window: forgets the last one's rows and makes the recurrent weights ready.
    func beginForward(_ θ: UnsafePointer<Scalar>, length: Int) {
        cache.beginWindow()
        ponder = 0
        recurrentWeights.prepare(θ + parameters.recurrentWeights.lowerBound, rows: length * batch)
    }

    /// The time steps `times` (the ones before them done, and their input in place).
    func forward(_ θ: UnsafePointer<Scalar>, times: Range<Int>) {
        for t in times { ponder += timeStepForward(θ, t: t) }
        if !parameters.readsBytes { flops += projectionFlops(times) }
    }

    /// Starts the window's backward: zeroes the gradients that rows and time steps add into, and makes
    /// the transposed weights ready. Parameter gradients are added into `g`; ∂L/∂ρ is `ponderWeight`, τ/(B·T).
    func beginBackward(_ θ: UnsafePointer<Scalar>, length: Int) {
        precondition(cache.keeps == .wholeWindow, "backward needs a layer that keeps the whole window")
        gradients.beginWindow(rows: cache.rowCount, length: length)
        recurrentWeightsTransposed.prepare(θ + parameters.recurrentWeights.lowerBound, rows: cache.rowCount)
        if !parameters.readsBytes {
            inputWeightsTransposed.prepare(θ + parameters.inputWeights.lowerBound, rows: length * batch)
        }
    }

    /// The time steps `times` backward (the ones after them done), from dL/dh_t in `gradients.dOutput`.
    func backward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, times: Range<Int>,
                  ponderWeight: Scalar) {
        for t in times.reversed() { timeStepBackward(θ, g, t: t, ponderWeight: ponderWeight) }
        if !parameters.readsBytes { flops += projectionFlops(times) }
    }

    // MARK: A time step

    /// Ponders on x_t until every stream halts; leaves h_t in `output` and in the carried state.
    /// Returns Σρ over the B streams.
    func timeStepForward(_ θ: UnsafePointer<Scalar>, t: Int) -> Double {
        let B = batch, hOut = cache.output + t * B * H
        var ponder = 0.0, k = B
        cache.beginTimeStep()
        for j in 0..<B { cache.running[j] = Int32(j) }
        for n in 1...maxPonder {
            let block = cache.nextBlock(rows: k, step: n)
            gatherForward(θ, block, t: t)
            if n == 1 {
                // The state now lives in the step-1 rows; accumulate h_t and c_t in its place.
                hOut.update(repeating: 0, count: B * H)
                cState.update(repeating: 0, count: B * H)
                cache.cumulative.update(repeating: 0, count: B)
            }
            cellForward(block)
            if ponderMode == .adaptive { haltingForward(θ, block, t: t) }
            k = mixForward(block, t: t, ponder: &ponder)
            cache.append(block)
            if k == 0 { break }
        }
        cache.endTimeStep()
        hState.update(from: hOut, count: B * H)
        return ponder
    }

    /// Time step t backward: its blocks in reverse, from dL/dh_t from above and dL/dh_t, dL/dc_t from
    /// step 1 of t + 1.
    func timeStepBackward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, t: Int,
                          ponderWeight: Scalar) {
        let d = gradients, dOut = d.dOutput + t * batch * H
        let dhT = d.dhT, dcT = d.dcT, dhCarry = d.dhCarry, dcCarry = d.dcCarry
        for i in 0..<(batch * H) {
            dhT[i] = dOut[i] + dhCarry[i]
            dcT[i] = dcCarry[i]
        }
        for blockIndex in cache.blocksOfTime[t].reversed() {
            let block = cache.blocks[blockIndex]
            mixBackward(block, t: t, ponderWeight: ponderWeight)
            if ponderMode == .adaptive { haltingBackward(θ, g, block, t: t) }
            cellBackward(block)
            gatherBackward(g, block, t: t)
        }
    }

    /// dW_h = Σ_rows h^{n−1}ᵀ da in one GEMM over the whole window (all time steps done), and db.
    func weightGradients(_ g: UnsafeMutablePointer<Scalar>, length: Int) {
        let H = self.H, G = 4 * H, positions = length * batch, rows = cache.rowCount
        let dXProjection = gradients.dXProjection
        products.gemm(transposeA: true, transposeB: false, m: H, n: G, k: rows, a: cache.hPrev.pointer, lda: H,
                      b: gradients.dGates.pointer, ldb: G, beta: 1, c: g + parameters.recurrentWeights.lowerBound,
                      ldc: G)
        flops += 2 * Double(rows * G * H)
        let gBias = g + parameters.bias.lowerBound
        for i in 0..<positions {
            let dx = dXProjection + i * G
            for q in 0..<G { gBias[q] += dx[q] }
        }
    }

    // MARK: A ponder step over the rows still running

    /// Gathers the block's rows: their previous state (the carried state at n = 1, else the state of the
    /// row's step n − 1) and their pre-activations so far, the input projection (+ the flag at n = 1).
    private func gatherForward(_ θ: UnsafePointer<Scalar>, _ block: Block, t: Int) {
        let H = self.H, G = 4 * H, r0 = block.start, first = block.step == 1
        let cache = self.cache, flag = θ + parameters.flagWeights.lowerBound
        for j in 0..<block.count {
            let r = r0 + j, b: Int, hFrom: UnsafePointer<Scalar>, cFrom: UnsafePointer<Scalar>
            if first {
                b = j
                cache.rowParent[r] = -1
                hFrom = UnsafePointer(hState + b * H)
                cFrom = UnsafePointer(cState + b * H)
            } else {
                let parent = Int(cache.running[j])
                b = Int(cache.rowStream[parent])
                cache.rowParent[r] = Int32(parent)
                hFrom = UnsafePointer(cache.h.pointer + parent * H)
                cFrom = UnsafePointer(cache.c.pointer + parent * H)
            }
            cache.rowStream[r] = Int32(b)
            (cache.hPrev.pointer + r * H).update(from: hFrom, count: H)
            (cache.cPrev.pointer + r * H).update(from: cFrom, count: H)
            let a = cache.gates.pointer + r * G, x = cache.xProjection + (t * batch + b) * G
            if first {
                for q in 0..<G { a[q] = x[q] + flag[q] }
            } else {
                a.update(from: x, count: G)
            }
        }
    }

    /// dL/dh^{n−1}, dL/dc^{n−1} to the row's step n − 1 (to the carry into t − 1 at n = 1), and dL/da to
    /// the input projection of x_t (and to the flag at n = 1).
    private func gatherBackward(_ g: UnsafeMutablePointer<Scalar>, _ block: Block, t: Int) {
        let H = self.H, G = 4 * H, d = gradients, first = block.step == 1
        let da = d.dGates.pointer + block.start * G, gFlag = g + parameters.flagWeights.lowerBound
        for j in 0..<block.count {
            let r = block.start + j, b = Int(cache.rowStream[r])
            let dhp = d.dhPrevStep + j * H, dcp = d.dcPrevStep + j * H
            if first {
                (d.dhCarry + b * H).update(from: dhp, count: H)
                (d.dcCarry + b * H).update(from: dcp, count: H)
            } else {
                let parent = Int(cache.rowParent[r])
                let dhr = d.dH.pointer + parent * H, dcr = d.dC.pointer + parent * H
                for q in 0..<H {
                    dhr[q] += dhp[q]
                    dcr[q] += dcp[q]
                }
            }
            let dx = d.dXProjection + (t * batch + b) * G, dar = da + j * G
            for q in 0..<G { dx[q] += dar[q] }
            if first {
                for q in 0..<G { gFlag[q] += dar[q] }
            }
        }
    }

    /// The LSTM step of the block's rows: a += h^{n−1}·W_h, then i, f, o = σ(a_i, a_f, a_o), g = tanh(a_g),
    /// c^n = f ⊙ c^{n−1} + i ⊙ g and h^n = o ⊙ tanh(c^n).
    private func cellForward(_ block: Block) {
        let H = self.H, G = 4 * H, s = block.start, k = block.count, cache = self.cache
        let a = cache.gates.pointer + s * G
        recurrentWeights.multiply(m: k, a: cache.hPrev.pointer + s * H, lda: H, beta: 1, c: a, ldc: G)
        Scalar.lstmCellForward(rows: k, hidden: H, gates: a, cPrev: cache.cPrev.pointer + s * H,
                               c: cache.c.pointer + s * H, tanhC: cache.tanhC.pointer + s * H,
                               h: cache.h.pointer + s * H)
        flops += 2 * Double(k * G * H)
    }

    /// dL/da of the block's rows into `dGates`, dL/dc^{n−1} into `dcPrevStep` and dL/dh^{n−1} = da·W_hᵀ
    /// into `dhPrevStep`.
    private func cellBackward(_ block: Block) {
        let H = self.H, G = 4 * H, s = block.start, k = block.count, cache = self.cache, d = gradients
        let da = d.dGates.pointer + s * G
        Scalar.lstmCellBackward(rows: k, hidden: H, gates: cache.gates.pointer + s * G,
                                cPrev: cache.cPrev.pointer + s * H, tanhC: cache.tanhC.pointer + s * H,
                                dh: d.dH.pointer + s * H, dc: d.dC.pointer + s * H, da: da, dcPrev: d.dcPrevStep)
        recurrentWeightsTransposed.multiply(m: k, a: da, lda: G, beta: 0, c: d.dhPrevStep, ldc: H)
        flops += 2 * Double(k * G * H)
    }

    /// η^n of the block's rows: from the layer's halting unit, or layer 1's for a layer without one.
    private func haltingForward(_ θ: UnsafePointer<Scalar>, _ block: Block, t: Int) {
        let s = block.start, cache = self.cache
        let rows = StackHalting<Scalar>.Rows(streams: cache.rowStream.pointer + s, count: block.count, t: t,
                                             step: block.step)
        guard parameters.hasHaltingUnit else {
            stackHalting!.read(cache.eta.pointer + s, rows)
            return
        }
        haltingUnit(θ).forward(haltingRows(block))
        flops += 2 * Double(block.count * parameters.haltingWeights.count)
        stackHalting?.write(cache.eta.pointer + s, rows)
    }

    /// From `dEta` into dL/dh^n, dL/dc^n and the gradients of w_η, b_η. Sharing layer 1's halting, a
    /// layer above passes its `dEta` to layer 1 instead, and layer 1 adds what every layer above passed
    /// to its own first.
    private func haltingBackward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, _ block: Block,
                                 t: Int) {
        let H = self.H, s = block.start, cache = self.cache, d = gradients, dEta = d.dEta
        if let shared = stackHalting {
            let rows = StackHalting<Scalar>.Rows(streams: cache.rowStream.pointer + s, count: block.count, t: t,
                                                 step: block.step)
            guard parameters.hasHaltingUnit else {
                shared.pass(dEta, rows, from: depth)
                return
            }
            shared.addPassed(into: dEta, rows)
        }
        haltingUnit(θ).backward(gWeights: g + parameters.haltingWeights.lowerBound,
                                gBias: g + parameters.haltingBias.lowerBound, haltingRows(block), dEta: dEta,
                                dh: d.dH.pointer + s * H, dc: d.dC.pointer + s * H)
    }

    private func haltingUnit(_ θ: UnsafePointer<Scalar>) -> HaltingUnit<Scalar> {
        HaltingUnit(input: haltingInput, hidden: H, weights: θ + parameters.haltingWeights.lowerBound,
                    bias: θ + parameters.haltingBias.lowerBound)
    }

    /// The block's rows as the halting unit reads them.
    private func haltingRows(_ block: Block) -> HaltingUnit<Scalar>.Rows {
        let H = self.H, s = block.start
        return HaltingUnit.Rows(count: block.count, h: cache.h.pointer + s * H, c: cache.c.pointer + s * H,
                                tanhC: cache.tanhC.pointer + s * H, eta: cache.eta.pointer + s)
    }

    /// Halts the rows whose Σ η reaches 1 − ε (all of them at n = M) and adds each row into the
    /// mean-field h_t, c_t with its p^n: η^n, or R = 1 − Σ η at the step it halts. The fixed control
    /// halts every row at n = M and takes its state as h_t, c_t (p^M = 1, the steps before 0; R = 0).
    /// Leaves the rows that go on in `running` and returns how many there are.
    private func mixForward(_ block: Block, t: Int, ponder: inout Double) -> Int {
        let H = self.H, B = batch, n = block.step, cache = self.cache, hOut = cache.output + t * B * H
        let cumulative = cache.cumulative, fixed = ponderMode == .fixed
        var next = 0
        for j in 0..<block.count {
            let r = block.start + j, b = Int(cache.rowStream[r])
            let halts: Bool, p: Scalar
            if fixed {
                halts = n == maxPonder
                p = halts ? 1 : 0
                if halts {
                    (hOut + b * H).update(from: cache.h.pointer + r * H, count: H)
                    (cState + b * H).update(from: cache.c.pointer + r * H, count: H)
                }
            } else {
                let e = cache.eta[r]
                halts = n == maxPonder || cumulative[b] + e >= threshold
                p = halts ? 1 - cumulative[b] : e
                Scalar.addScaledPair(p, cache.h.pointer + r * H, into: hOut + b * H, cache.c.pointer + r * H,
                                     into: cState + b * H, count: H)
            }
            cache.probability[r] = p
            if halts {
                let i = t * B + b, remainder = fixed ? 0 : p.double
                cache.finalRow[i] = Int32(r)
                cache.steps[i] = Int32(n)
                cache.rho[i] = Float(Double(n) + remainder)
                ponder += Double(n) + remainder
            } else {
                if !fixed { cumulative[b] += cache.eta[r] }
                cache.running[next] = Int32(r)
                next += 1
            }
        }
        return next
    }

    /// dL/dh^n += p^n·dh_t and dL/dc^n += p^n·dc_t for each row, and into `dEta` ∂L/∂η^n =
    /// ⟨dh_t, h^n − h^N⟩ + ⟨dc_t, c^n − c^N⟩ − τ for n < N (η^n enters every p^m, m ≤ N, through
    /// p^N = 1 − Σ_{m<N} η^m); 0 for the step that halted, whose η is not used. The fixed control has
    /// no η: dh_t, dc_t go to the last step's row alone.
    private func mixBackward(_ block: Block, t: Int, ponderWeight: Scalar) {
        let H = self.H, B = batch, cache = self.cache, d = gradients
        let h = cache.h.pointer, c = cache.c.pointer
        for j in 0..<block.count {
            let r = block.start + j, b = Int(cache.rowStream[r]), p = cache.probability[r]
            let dht = d.dhT + b * H, dct = d.dcT + b * H
            let last = Int(cache.finalRow[t * B + b])
            if ponderMode == .fixed {
                if r == last {
                    Scalar.addScaledPair(1, dht, into: d.dH.pointer + r * H, dct, into: d.dC.pointer + r * H, count: H)
                }
                continue
            }
            Scalar.addScaledPair(p, dht, into: d.dH.pointer + r * H, dct, into: d.dC.pointer + r * H, count: H)
            if r == last {
                d.dEta[j] = 0
            } else {
                d.dEta[j] = Scalar.dotOfDifferences(dht, h + r * H, h + last * H, dct, c + r * H, c + last * H,
                                                    count: H) - ponderWeight
            }
        }
    }
}
