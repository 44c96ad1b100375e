import Foundation

/// The stacked ACT-LSTM with its byte softmax, for a fixed batch size and longest window:
/// `forward` runs one window of truncated BPTT and carries the recurrent state on; `backward`
/// differentiates that window's objective (L_task + τ·P)/(B·T) with the incoming state held constant.
///
/// Generic over the scalar so gradient checks run the very same code in Double; training runs Float.
/// Use it from inside the ACTLM module (TrainingStep, TextScorer, Benchmark): the module specialises it for
/// Float there, which a call from another module would not get.
public final class Network<Scalar: NetworkScalar> {
    public let config: ModelConfig
    public let layout: ParameterLayout
    public let batch: Int       // B
    public let seq: Int         // T, the longest window
    public let forwardOnly: Bool
    public var tau: Double      // τ, the time penalty
    /// Time steps of the last forward window (≤ seq).
    public private(set) var length = 0
    /// When each stream's state is zeroed (every `config.stateReset` bytes).
    public private(set) var resets: ResetSchedule

    static var vocabulary: Int { ModelConfig.vocabulary }

    private let layers: [ACTLSTMLayer<Scalar>]
    private let inputs: UnsafeMutablePointer<UInt8>     // [T·B]
    private let targets: UnsafeMutablePointer<UInt8>    // [T·B]
    private var hasTargets = false
    private let logitBuffer: UnsafeMutablePointer<Scalar>   // [T·B, 256]; backward turns it into dL/dlogits
    private let natsBuffer: UnsafeMutablePointer<Double>     // [T·B]
    private let logSumExp: UnsafeMutablePointer<Scalar>      // [T·B] log Σ exp(logits), kept for backward
    private let outputWeights: PackedMatrix<Scalar>          // W_y [H, 256], ready for each chunk's logits
    /// dL/dh_t of each layer's output [T·B, H]: the top one's from the logits, the others' passed down.
    private let dOutputs: [UnsafeMutablePointer<Scalar>]
    /// How far each layer has got through the window, for the layer that waits on it.
    private let progress: [LayerProgress]
    private var outputFlops = 0.0

    /// Threads for the layer wavefront; nil: OpenBLAS's thread count (OPENBLAS_NUM_THREADS, or all
    /// cores). At most one per layer; one runs the layers one after the other. Results do not depend on it
    /// on the project's kernel; on OpenBLAS only to rounding (it splits a product differently on one thread).
    public var wavefrontThreads: Int?

    /// `resets` (by default: every stream starts from a zero state now) must have `config.stateReset`'s
    /// interval and `batch` streams.
    /// `forwardOnly`: for scoring; keeps none of what backward needs, so long windows take little memory.
    public init(config: ModelConfig, batch: Int, seq: Int, tau: Double = 0, resets: ResetSchedule? = nil,
                forwardOnly: Bool = false) {
        precondition(batch >= 1 && seq >= 1, "a network needs a batch and a window of at least 1")
        let resets = resets ?? ResetSchedule(interval: config.stateReset, streams: batch)
        precondition(resets.interval == config.stateReset && resets.bytesSinceReset.count == batch,
                     "a reset schedule of \(config.stateReset) bytes for \(batch) streams")
        self.resets = resets
        self.config = config
        layout = ParameterLayout(config: config)
        self.batch = batch
        self.seq = seq
        self.tau = tau
        self.forwardOnly = forwardOnly
        let stackHalting = config.haltsAsStack
            ? StackHalting<Scalar>(layers: config.layers, batch: batch, seq: seq, maxPonder: config.maxPonder,
                                   keepsGradients: !forwardOnly)
            : nil
        layers = layout.layers.enumerated().map { l, layer in
            ACTLSTMLayer(layout: layer, depth: l, config: config, batch: batch, seq: seq, keepsRows: !forwardOnly,
                         stackHalting: stackHalting)
        }
        let positions = batch * seq
        inputs = .allocate(capacity: positions)
        inputs.initialize(repeating: 0, count: positions)
        targets = .allocate(capacity: positions)
        targets.initialize(repeating: 0, count: positions)
        logitBuffer = .allocate(capacity: positions * Self.vocabulary)
        logitBuffer.initialize(repeating: 0, count: positions * Self.vocabulary)
        natsBuffer = .allocate(capacity: positions)
        natsBuffer.initialize(repeating: 0, count: positions)
        logSumExp = .allocate(capacity: positions)
        logSumExp.initialize(repeating: 0, count: positions)
        outputWeights = PackedMatrix(k: config.hidden, n: Self.vocabulary, transposed: false, ld: Self.vocabulary)
        dOutputs = (0..<config.layers).map { _ in
            let count = forwardOnly ? 0 : positions * config.hidden
            let d = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            d.initialize(repeating: 0, count: count)
            return d
        }
        progress = (0..<config.layers).map { _ in LayerProgress() }
    }

    deinit {
        inputs.deallocate()
        targets.deallocate()
        logitBuffer.deallocate()
        natsBuffer.deallocate()
        logSumExp.deallocate()
        for d in dOutputs { d.deallocate() }
    }

    /// The recurrent state carried into the next window: [L, 2, B, H], per layer h then c.
    public var state: [Scalar] {
        get {
            let n = batch * config.hidden
            var s = [Scalar](repeating: 0, count: layers.count * 2 * n)
            for (l, layer) in layers.enumerated() {
                for i in 0..<n {
                    s[2 * l * n + i] = layer.hState[i]
                    s[(2 * l + 1) * n + i] = layer.cState[i]
                }
            }
            return s
        }
        set {
            let n = batch * config.hidden
            precondition(newValue.count == layers.count * 2 * n, "a state of \(newValue.count) values for [L, 2, B, H]")
            for (l, layer) in layers.enumerated() {
                for i in 0..<n {
                    layer.hState[i] = newValue[2 * l * n + i]
                    layer.cState[i] = newValue[(2 * l + 1) * n + i]
                }
            }
        }
    }

    /// Zeroes the carried state of every stream and restarts their reset schedule (the start of a text).
    public func resetState() {
        for layer in layers { layer.resetState() }
        resets.restart()
    }

    /// Runs a window of `inputs.count / batch` time steps (time-major: `inputs[t·B + b]`); with `targets`
    /// (the byte after each input) it also computes the loss. Replaces the carried state with the state
    /// after the window.
    @discardableResult
    public func forward(parameters: UnsafeBufferPointer<Scalar>, inputs x: UnsafeBufferPointer<UInt8>,
                        targets y: UnsafeBufferPointer<UInt8>?) -> WindowLoss {
        precondition(parameters.count == layout.count, "\(parameters.count) parameters for a model of \(layout.count)")
        precondition(x.count % batch == 0 && x.count / batch <= seq && x.count > 0,
                     "\(x.count) inputs do not make a window of at most \(seq) steps of \(batch) streams")
        precondition(y == nil || y!.count == x.count, "one target per input")
        let θ = parameters.baseAddress!
        length = x.count / batch
        let positions = x.count, H = config.hidden, V = Self.vocabulary
        inputs.update(from: x.baseAddress!, count: positions)
        hasTargets = y != nil
        if let y { targets.update(from: y.baseAddress!, count: positions) }
        let layers = self.layers
        resets.advance(reading: length) { b in
            for layer in layers { layer.resetState(stream: b) }
        }

        var loss = WindowLoss(layers: layers.count)
        loss.ponder = forwardLayers(θ)
        outputFlops += 2 * Double(positions * V * H)
        loss.count = positions
        guard y != nil else { return loss }
        for i in 0..<positions { loss.taskNats += natsBuffer[i] }
        return loss
    }

    /// The softmax layer over the positions of `times`, as soon as the top layer has them: logits =
    /// h_t W_y + b_y, and with targets log Σ exp(logits) and −ln p(target). On the top layer's thread,
    /// which has time to spare while the layers below (pondering more) finish theirs.
    private func outputForward(_ θ: UnsafePointer<Scalar>, times: Range<Int>) {
        let H = config.hidden, V = Self.vocabulary
        let first = times.lowerBound * batch, count = times.count * batch
        let logits = logitBuffer + first * V
        let outputBias = θ + layout.outputBias.lowerBound
        for i in 0..<count { (logits + i * V).update(from: outputBias, count: V) }
        outputWeights.multiply(m: count, a: layers.last!.output + first * H, lda: H, beta: 1, c: logits, ldc: V)
        guard hasTargets else { return }
        for i in first..<first + count {
            let z = logitBuffer + i * V
            logSumExp[i] = Reductions.logSumExp(z, count: V)
            natsBuffer[i] = (logSumExp[i] - z[Int(targets[i])]).double
        }
    }

    /// Gradients of the last forward window's objective, written over `gradients` (layout order).
    /// Needs that forward to have had targets. Consumes the window's logits.
    public func backward(parameters: UnsafeBufferPointer<Scalar>, gradients: UnsafeMutableBufferPointer<Scalar>) {
        precondition(!forwardOnly, "backward needs a network made for training")
        precondition(hasTargets, "backward needs a forward window with targets")
        precondition(gradients.count == layout.count, "\(gradients.count) gradients for a model of \(layout.count)")
        let θ = parameters.baseAddress!, g = gradients.baseAddress!
        let positions = length * batch, H = config.hidden, V = Self.vocabulary
        g.update(repeating: 0, count: layout.count)
        let scale = 1 / Scalar(Double(positions))

        // dL/dlogits = (softmax − onehot(target)) / (B·T), in place of the logits.
        let gOutputBias = g + layout.outputBias.lowerBound
        for i in 0..<positions {
            Scalar.softmaxGradient(logitBuffer + i * V, count: V, logSumExp: logSumExp[i], target: Int(targets[i]),
                                   scale: scale, biasGradient: gOutputBias)
        }
        hasTargets = false
        Scalar.gemm(transposeA: false, transposeB: true, m: positions, n: H, k: V, alpha: 1, a: logitBuffer, lda: V,
                    b: θ + layout.outputWeights.lowerBound, ldb: V, beta: 0, c: dOutputs.last!, ldc: H)
        outputFlops += 4 * Double(positions * V * H)

        backwardLayers(θ, g, ponderWeight: Scalar(tau) * scale)
    }

    /// dL/dW_y = Σ h_tᵀ dL/dlogits over the window (backward has turned the logits into their gradient).
    private func outputWeightGradient(_ g: UnsafeMutablePointer<Scalar>) {
        let H = config.hidden, V = Self.vocabulary
        Scalar.gemm(transposeA: true, transposeB: false, m: H, n: V, k: length * batch, alpha: 1,
                    a: layers.last!.output, lda: H, b: logitBuffer, ldb: V, beta: 1,
                    c: g + layout.outputWeights.lowerBound, ldc: V)
    }

    // MARK: The layers as a wavefront

    /// The layers' time steps, chunk by chunk, each thread running its group of layers in order and
    /// waiting for the group below to finish (and project) a chunk; the top layer's thread runs the
    /// softmax layer on each chunk it finishes. Returns Σρ per layer.
    private func forwardLayers(_ θ: UnsafePointer<Scalar>) -> [Double] {
        let layers = self.layers, progress = self.progress, length = self.length, inputs = self.inputs
        let chunks = Wavefront.chunks(length: length)
        let groups = Wavefront.groups(layers: layers.count, threads: Wavefront.threads(layers: layers.count,
                                                                                        limit: wavefrontThreads))
        let ponder = UnsafeMutableBufferPointer<Double>.allocate(capacity: layers.count)
        defer { ponder.deallocate() }
        ponder.initialize(repeating: 0)
        for p in progress { p.reset() }
        outputWeights.prepare(θ + layout.outputWeights.lowerBound, rows: length * batch)
        Wavefront.run(groups) { group in
            for l in group {
                layers[l].beginForward(θ, length: length, bytes: l == 0 ? inputs : nil)
                if l + 1 < layers.count { layers[l + 1].beginProjecting(θ, length: length) }
            }
            for times in chunks {
                for l in group {
                    if l > 0 && l == group.lowerBound { progress[l - 1].wait(until: times.upperBound) }
                    for t in times { ponder[l] += layers[l].forward(θ, t: t) }
                    // Layer l's thread projects layer l + 1's input: the upper layers have the softmax
                    // and their own input's weight gradients to do, so this evens the threads out.
                    if l + 1 < layers.count { layers[l + 1].project(θ, times: times, below: layers[l].output) }
                    progress[l].advance(to: times.upperBound)
                    if l == layers.count - 1 { self.outputForward(θ, times: times) }
                }
            }
        }
        return Array(ponder)
    }

    /// The same backward, from the last chunk: a thread waits for the layer above its group to finish a
    /// chunk, then passes that layer's gradient down to its own top layer.
    /// A thread done with its layers' time steps multiplies out their weight gradients (into their own
    /// parts of `g`) while the threads below are still at work.
    private func backwardLayers(_ θ: UnsafePointer<Scalar>, _ g: UnsafeMutablePointer<Scalar>, ponderWeight: Scalar) {
        let layers = self.layers, progress = self.progress, length = self.length, dOutputs = self.dOutputs
        let inputs = self.inputs
        let chunks = Wavefront.chunks(length: length).reversed()
        let groups = Wavefront.groups(layers: layers.count, threads: Wavefront.threads(layers: layers.count,
                                                                                        limit: wavefrontThreads))
        for p in progress { p.reset() }
        Wavefront.run(groups.reversed()) { group in
            for l in group { layers[l].beginBackward(θ, length: length) }
            for times in chunks {
                let done = length - times.lowerBound
                for l in group.reversed() {
                    if l + 1 < layers.count {
                        if l == group.upperBound - 1 { progress[l + 1].wait(until: done) }
                        // As forward projected it, layer l's thread passes layer l + 1's gradient down.
                        layers[l + 1].passDown(times: times, dInput: dOutputs[l])
                    }
                    for t in times.reversed() {
                        layers[l].backward(θ, g, t: t, dOutput: dOutputs[l], ponderWeight: ponderWeight)
                    }
                    progress[l].advance(to: done)
                }
            }
            for l in group.reversed() {
                layers[l].weightGradients(θ, g, length: length, bytes: l == 0 ? inputs : nil,
                                          below: l == 0 ? nil : layers[l - 1].output)
            }
            if group.contains(layers.count - 1) { self.outputWeightGradient(g) }
        }
    }

    /// The 256 logits at `position` = t·B + b of the last forward window.
    public func logits(at position: Int) -> UnsafeBufferPointer<Scalar> {
        precondition(position >= 0 && position < length * batch, "position \(position) outside the last window")
        return UnsafeBufferPointer(start: logitBuffer + position * Self.vocabulary, count: Self.vocabulary)
    }

    /// −ln p(target) at `position` of the last forward window (which had targets).
    public func nats(at position: Int) -> Double {
        precondition(position >= 0 && position < length * batch, "position \(position) outside the last window")
        return natsBuffer[position]
    }

    /// ρ = N + R of `layer` (from 0) at every position of the last forward window: [length·B].
    public func rho(layer: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: layers[layer].rho, count: length * batch)
    }

    /// N, the ponder steps of `layer` at every position of the last forward window: [length·B].
    public func steps(layer: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: layers[layer].steps, count: length * batch)
    }

    /// Matrix floating-point operations done so far, forward and backward (GEMM and GEMV: 2 per
    /// multiply-add), the measure `actlm bench` divides by time.
    public var flops: Double { layers.reduce(outputFlops) { $0 + $1.flops } }
}

extension Network {
    /// `forward` for arrays (tests and small callers).
    @discardableResult
    public func forward(parameters: [Scalar], inputs: [UInt8], targets: [UInt8]?) -> WindowLoss {
        parameters.withUnsafeBufferPointer { p in
            inputs.withUnsafeBufferPointer { x in
                if let targets {
                    return targets.withUnsafeBufferPointer { forward(parameters: p, inputs: x, targets: $0) }
                }
                return forward(parameters: p, inputs: x, targets: nil)
            }
        }
    }

    /// `backward` for arrays: returns the gradient.
    public func backward(parameters: [Scalar]) -> [Scalar] {
        var g = [Scalar](repeating: 0, count: layout.count)
        parameters.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { backward(parameters: p, gradients: $0) }
        }
        return g
    }
}
