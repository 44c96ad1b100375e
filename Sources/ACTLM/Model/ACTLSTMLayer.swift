/// One ACT-LSTM layer (act-lstm.md, "One ACT-LSTM layer") over a window of T time steps for B streams,
/// forward and backward side by side.
///
/// Forward: the input projection W_x·u_t + b of the whole window in one GEMM (a row lookup for bytes);
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
    let parameters: ParameterLayout.Layer
    var readsBytes: Bool { parameters.inputSize == ModelConfig.vocabulary }

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

    // Forward scratch.
    private let cumulative: UnsafeMutablePointer<Scalar>       // [B] Σ η so far
    private let running: UnsafeMutablePointer<Int32>           // [B] rows that go on to the next step

    /// Matrix FLOPs done so far (forward and backward).
    var flops: Double = 0

    init(layout: ParameterLayout.Layer, config: ModelConfig, batch: Int, seq: Int) {
        H = config.hidden
        self.batch = batch
        self.seq = seq
        maxPonder = config.maxPonder
        threshold = Scalar(1 - config.epsilon)
        parameters = layout
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
        dXProjection = make(positions * 4 * H, 0)
        dhT = make(batch * H, 0)
        dcT = make(batch * H, 0)
        dhCarry = make(batch * H, 0)
        dcCarry = make(batch * H, 0)
        dhPrevStep = make(batch * H, 0)
        dcPrevStep = make(batch * H, 0)
        cumulative = make(batch, 0)
        running = make(batch, 0)
        blocks.reserveCapacity(seq * maxPonder)
        blocksOfTime.reserveCapacity(seq)
        // An untrained layer takes about two steps; the buffers grow if training makes it ponder longer.
        reserveRows(positions * min(maxPonder, 3))
    }

    deinit {
        for p in [hState, cState, xProjection, output, dXProjection, dhT, dcT, dhCarry, dcCarry, dhPrevStep,
                  dcPrevStep, cumulative] { p.deallocate() }
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

    /// Runs `length` time steps. The input is `bytes` [length·B] for the first layer, else `below`
    /// [length·B, H], the output of the layer underneath. Returns Σρ over the window.
    func forward(_ θ: UnsafePointer<Scalar>, length: Int, bytes: UnsafePointer<UInt8>?,
                 below: UnsafePointer<Scalar>?) -> Double {
        let H = self.H, B = batch, G = 4 * H, positions = length * B
        let Wx = θ + parameters.inputWeights.lowerBound
        let bias = θ + parameters.bias.lowerBound

        // Input projection for the whole window: b, plus W_x's row for a byte or W_x·u for a vector.
        for i in 0..<positions {
            let row = xProjection + i * G
            if let bytes {
                let w = Wx + Int(bytes[i]) * G
                for j in 0..<G { row[j] = w[j] + bias[j] }
            } else {
                row.update(from: bias, count: G)
            }
        }
        if let below {
            Scalar.gemm(transposeA: false, transposeB: false, m: positions, n: G, k: H, alpha: 1, a: below, lda: H,
                        b: Wx, ldb: G, beta: 1, c: xProjection, ldc: G)
            flops += 2 * Double(positions * G * H)
        }

        rowCount = 0
        blocks.removeAll(keepingCapacity: true)
        blocksOfTime.removeAll(keepingCapacity: true)
        var ponder = 0.0
        for t in 0..<length {
            let firstBlock = blocks.count
            ponder += timeStep(θ, t: t)
            blocksOfTime.append(firstBlock..<blocks.count)
        }
        return ponder
    }

    /// Ponders on x_t until every stream halts; leaves h_t in `output` and in the carried state.
    private func timeStep(_ θ: UnsafePointer<Scalar>, t: Int) -> Double {
        let H = self.H, B = batch, G = 4 * H
        let Wh = θ + parameters.recurrentWeights.lowerBound
        let flag = θ + parameters.flagWeights.lowerBound
        let wηh = θ + parameters.haltingWeights.lowerBound, wηc = wηh + H
        let bη = θ[parameters.haltingBias]
        let hOut = output + t * B * H
        var ponder = 0.0

        var k = B
        for j in 0..<B { running[j] = Int32(j) }
        for n in 1...maxPonder {
            let s = rowCount
            if s + k > eta.capacity { reserveRows(s + k + B * seq) }
            let gs = gates.pointer + s * G, hp = hPrev.pointer + s * H, cp = cPrev.pointer + s * H
            let hs = h.pointer + s * H, cs = c.pointer + s * H, es = eta.pointer + s

            // Gather the running rows: their previous state and their input projection (+ the flag at n = 1).
            for j in 0..<k {
                let b: Int
                if n == 1 {
                    b = j
                    rowParent[s + j] = -1
                    (hp + j * H).update(from: hState + b * H, count: H)
                    (cp + j * H).update(from: cState + b * H, count: H)
                } else {
                    let parent = Int(running[j])
                    b = Int(rowStream[parent])
                    rowParent[s + j] = Int32(parent)
                    (hp + j * H).update(from: h.pointer + parent * H, count: H)
                    (cp + j * H).update(from: c.pointer + parent * H, count: H)
                }
                rowStream[s + j] = Int32(b)
                let a = gs + j * G, x = xProjection + (t * B + b) * G
                if n == 1 {
                    for q in 0..<G { a[q] = x[q] + flag[q] }
                } else {
                    a.update(from: x, count: G)
                }
            }
            if n == 1 {
                // The state now lives in the step-1 rows; accumulate h_t and c_t in its place.
                hOut.update(repeating: 0, count: B * H)
                cState.update(repeating: 0, count: B * H)
                for b in 0..<B { cumulative[b] = 0 }
            }

            Scalar.gemm(transposeA: false, transposeB: false, m: k, n: G, k: H, alpha: 1, a: hp, lda: H,
                        b: Wh, ldb: G, beta: 1, c: gs, ldc: G)
            LSTMCell.forward(rows: k, hidden: H, gates: gs, cPrev: cp, c: cs, tanhC: tanhC.pointer + s * H, h: hs)

            // η = σ(w_η · [h ; c] + b_η)
            for j in 0..<k { es[j] = bη }
            Scalar.gemv(m: k, n: H, alpha: 1, a: hs, lda: H, x: wηh, beta: 1, y: es)
            Scalar.gemv(m: k, n: H, alpha: 1, a: cs, lda: H, x: wηc, beta: 1, y: es)
            for j in 0..<k { es[j] = Scalar.sigmoid(es[j]) }
            flops += 2 * Double(k * G * H) + 4 * Double(k * H)

            // Halt where Σ η reaches 1 − ε or at M; mix this step into the mean-field state with p^n.
            var next = 0
            for j in 0..<k {
                let r = s + j, b = Int(rowStream[r]), e = es[j]
                let halts = n == maxPonder || cumulative[b] + e >= threshold
                let p = halts ? 1 - cumulative[b] : e
                probability[r] = p
                let hr = hs + j * H, cr = cs + j * H, ho = hOut + b * H, co = cState + b * H
                for q in 0..<H {
                    ho[q] += p * hr[q]
                    co[q] += p * cr[q]
                }
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
            blocks.append(Block(start: s, count: k, step: n))
            rowCount += k
            k = next
            if k == 0 { break }
        }
        hState.update(from: hOut, count: B * H)
        return ponder
    }

    // MARK: Backward

    /// Backpropagates `dOutput` (dL/dh_t of the window, [length·B, H]) through the window, adding the
    /// parameter gradients into `g` and writing dL/du into `dInput` [length·B, H] (nil for the byte layer).
    /// `ponderWeight` is ∂L/∂ρ, i.e. τ/(B·T).
    func backward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, length: Int,
                  bytes: UnsafePointer<UInt8>?, below: UnsafePointer<Scalar>?,
                  dOutput: UnsafePointer<Scalar>, dInput: UnsafeMutablePointer<Scalar>?, ponderWeight: Scalar) {
        let H = self.H, B = batch, G = 4 * H, positions = length * B
        let Wh = θ + parameters.recurrentWeights.lowerBound
        let wηh = θ + parameters.haltingWeights.lowerBound, wηc = wηh + H
        let gFlag = g + parameters.flagWeights.lowerBound
        let gwηh = g + parameters.haltingWeights.lowerBound, gwηc = gwηh + H

        dGates.reserve(rowCount * G, keep: 0)
        dH.reserve(rowCount * H, keep: 0)
        dC.reserve(rowCount * H, keep: 0)
        dH.fill(0, count: rowCount * H)
        dC.fill(0, count: rowCount * H)
        dXProjection.update(repeating: 0, count: positions * G)
        dhCarry.update(repeating: 0, count: B * H)   // the state leaving the window gets no gradient
        dcCarry.update(repeating: 0, count: B * H)
        var gηBias = Scalar(0)

        for t in stride(from: length - 1, through: 0, by: -1) {
            let dOut = dOutput + t * B * H
            for i in 0..<(B * H) {
                dhT[i] = dOut[i] + dhCarry[i]
                dcT[i] = dcCarry[i]
            }
            for blockIndex in blocksOfTime[t].reversed() {
                let block = blocks[blockIndex]
                let s = block.start, k = block.count
                for j in 0..<k {
                    let r = s + j, b = Int(rowStream[r]), p = probability[r]
                    let dhr = dH.pointer + r * H, dcr = dC.pointer + r * H
                    let dht = dhT + b * H, dct = dcT + b * H
                    for q in 0..<H {
                        dhr[q] += p * dht[q]
                        dcr[q] += p * dct[q]
                    }
                    let last = Int(finalRow[t * B + b])
                    guard r != last else { continue }
                    // ∂L/∂η^n = ⟨dh_t, h^n − h^N⟩ + ⟨dc_t, c^n − c^N⟩ − τ for n < N.
                    let hr = h.pointer + r * H, cr = c.pointer + r * H
                    let hN = h.pointer + last * H, cN = c.pointer + last * H
                    var dη = -ponderWeight
                    for q in 0..<H { dη += dht[q] * (hr[q] - hN[q]) + dct[q] * (cr[q] - cN[q]) }
                    let e = eta[r]
                    let dz = dη * e * (1 - e)
                    for q in 0..<H {
                        dhr[q] += dz * wηh[q]
                        dcr[q] += dz * wηc[q]
                        gwηh[q] += dz * hr[q]
                        gwηc[q] += dz * cr[q]
                    }
                    gηBias += dz
                }
                let da = dGates.pointer + s * G
                LSTMCell.backward(rows: k, hidden: H, gates: gates.pointer + s * G, cPrev: cPrev.pointer + s * H,
                                  tanhC: tanhC.pointer + s * H, dh: dH.pointer + s * H, dc: dC.pointer + s * H,
                                  da: da, dcPrev: dcPrevStep)
                // dL/dh^{n−1} = da · W_hᵀ
                Scalar.gemm(transposeA: false, transposeB: true, m: k, n: H, k: G, alpha: 1, a: da, lda: G,
                            b: Wh, ldb: G, beta: 0, c: dhPrevStep, ldc: H)
                flops += 2 * Double(k * G * H)
                for j in 0..<k {
                    let r = s + j, b = Int(rowStream[r])
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
        }
        g[parameters.haltingBias] += gηBias

        // Weight gradients over the whole window, one GEMM each: dW_h = Σ_rows h^{n−1}ᵀ da.
        Scalar.gemm(transposeA: true, transposeB: false, m: H, n: G, k: rowCount, alpha: 1, a: hPrev.pointer, lda: H,
                    b: dGates.pointer, ldb: G, beta: 1, c: g + parameters.recurrentWeights.lowerBound, ldc: G)
        flops += 2 * Double(rowCount * G * H)
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
            let Wx = θ + parameters.inputWeights.lowerBound
            Scalar.gemm(transposeA: true, transposeB: false, m: H, n: G, k: positions, alpha: 1, a: below, lda: H,
                        b: dXProjection, ldb: G, beta: 1, c: gWx, ldc: G)
            if let dInput {
                Scalar.gemm(transposeA: false, transposeB: true, m: positions, n: H, k: G, alpha: 1, a: dXProjection,
                            lda: G, b: Wx, ldb: G, beta: 0, c: dInput, ldc: H)
            }
            flops += 4 * Double(positions * G * H)
        }
    }
}
