/// The softmax output layer over the 256 bytes (docs/act-lstm.md, "Output and loss"), forward and backward
/// side by side: logits_t = W_y h_t + b_y from the top layer's h_t, and with targets the task loss
/// −ln softmax(logits_t)[x_{t+1}] (and, when scoring, the entropy of softmax(logits_t) beside it).
final class OutputLayer<Scalar: NetworkScalar> {
    static var vocabulary: Int { ModelConfig.vocabulary }

    let hidden: Int
    let batch: Int
    private let weightRange: Range<Int>                 // W_y [H, 256] in θ
    private let biasRange: Range<Int>                   // b_y [256]

    let logits: UnsafeMutablePointer<Scalar>            // [T·B, 256]; backward turns them into dL/dlogits
    let nats: UnsafeMutablePointer<Double>              // [T·B] −ln p(target)
    /// −Σ p ln p of the same distributions, kept by scoring (`.currentTimeStep`): nil in training, which never
    /// reads it.
    let entropy: UnsafeMutablePointer<Double>?          // [T·B]
    private let logSumExp: UnsafeMutablePointer<Scalar> // [T·B] log Σ exp(logits), kept for backward
    private let targets: UnsafeMutablePointer<UInt8>    // [T·B]
    /// Whether the last forward window had targets (and backward has not yet consumed its logits).
    private(set) var hasTargets = false
    private let weights: PackedMatrix<Scalar>           // W_y, ready for each chunk's logits
    private let products: MatrixProducts

    /// Matrix FLOPs done so far, forward and backward.
    private(set) var flops = 0.0

    init(layout: ParameterLayout, batch: Int, seq: Int, products: MatrixProducts,
         keeps: ForwardKeeps = .wholeWindow) {
        let positions = batch * seq, V = Self.vocabulary
        hidden = layout.config.hidden
        self.batch = batch
        weightRange = layout.outputWeights
        biasRange = layout.outputBias
        logits = .zeroed(positions * V)
        nats = .zeroed(positions)
        entropy = keeps == .currentTimeStep ? .zeroed(positions) : nil
        logSumExp = .zeroed(positions)
        targets = .zeroed(positions)
        weights = PackedMatrix(k: hidden, n: V, transposed: false, ld: V, products: products)
        self.products = products
    }

    deinit {
        logits.deallocate()
        nats.deallocate()
        entropy?.deallocate()
        logSumExp.deallocate()
        targets.deallocate()
    }

    /// Starts a window of `length` time steps: takes its targets (the byte after each input), if any, and
    /// makes W_y ready.
    func beginForward(_ θ: UnsafePointer<Scalar>, length: Int, targets y: UnsafePointer<UInt8>?) {
        hasTargets = y != nil
        if let y { targets.update(from: y, count: length * batch) }
        weights.prepare(θ + weightRange.lowerBound, rows: length * batch)
    }

    /// The logits of the positions of `times`, from the top layer's h_t in `top` [T·B, H]; with targets,
    /// log Σ exp(logits) and −ln p(target) too, and the entropy where it is kept.
    func forward(_ θ: UnsafePointer<Scalar>, times: Range<Int>, top: UnsafePointer<Scalar>) {
        let H = hidden, V = Self.vocabulary
        let first = times.lowerBound * batch, count = times.count * batch
        let z = logits + first * V, bias = θ + biasRange.lowerBound
        for i in 0..<count { (z + i * V).update(from: bias, count: V) }
        weights.multiply(m: count, a: top + first * H, lda: H, beta: 1, c: z, ldc: V)
        flops += 2 * Double(count * V * H)
        guard hasTargets else { return }
        for i in first..<first + count {
            let zi = logits + i * V
            logSumExp[i] = Scalar.logSumExp(zi, count: V)
            nats[i] = (logSumExp[i] - zi[Int(targets[i])]).double
            entropy?[i] = Scalar.softmaxEntropy(zi, count: V, logSumExp: logSumExp[i]).double
        }
    }

    /// Σ −ln p(target) over the `positions` of the last forward window.
    func taskNats(positions: Int) -> Double {
        var sum = 0.0
        for i in 0..<positions { sum += nats[i] }
        return sum
    }

    /// From the task loss over the window's `positions` times `scale` (1/(B·T): the mean):
    /// dL/dlogits = scale·(softmax − onehot(target)) in place of the logits, db_y into `g`, and
    /// dL/dh_t = dL/dlogits·W_yᵀ into `dTop` [T·B, H]. Consumes the window's logits.
    func backward(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, scale: Scalar, positions: Int,
                  dTop: UnsafeMutablePointer<Scalar>) {
        precondition(hasTargets, "backward needs a forward window with targets")
        let H = hidden, V = Self.vocabulary
        let gBias = g + biasRange.lowerBound
        for i in 0..<positions {
            Scalar.softmaxGradient(logits + i * V, count: V, logSumExp: logSumExp[i], target: Int(targets[i]),
                                   scale: scale, biasGradient: gBias)
        }
        hasTargets = false
        products.gemm(transposeA: false, transposeB: true, m: positions, n: H, k: V, a: logits, lda: V,
                      b: θ + weightRange.lowerBound, ldb: V, beta: 0, c: dTop, ldc: H)
        flops += 4 * Double(positions * V * H)
    }

    /// dL/dW_y = Σ h_tᵀ dL/dlogits over the window's `positions` (after `backward`).
    func weightGradients(_ g: UnsafeMutablePointer<Scalar>, positions: Int, top: UnsafePointer<Scalar>) {
        let H = hidden, V = Self.vocabulary
        products.gemm(transposeA: true, transposeB: false, m: H, n: V, k: positions, a: top, lda: H,
                      b: logits, ldb: V, beta: 1, c: g + weightRange.lowerBound, ldc: V)
    }
}
