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
    /// What forward keeps: the whole window for backward, or only the time step in hand.
    public let keeps: ForwardKeeps
    /// The engine and threads it multiplies on.
    public var context: ComputeContext { products.context }
    public var tau: Double      // τ, the time penalty
    /// Time steps of the last forward window (≤ seq).
    public private(set) var length = 0
    /// When each stream's state is zeroed (every `config.stateReset` bytes).
    public private(set) var resets: ResetSchedule

    private let layers: [ACTLSTMLayer<Scalar>]
    private let output: OutputLayer<Scalar>
    private let wavefront: Wavefront
    private let products: MatrixProducts
    private let inputs: UnsafeMutablePointer<UInt8>     // [T·B]

    /// Threads for the layer wavefront; nil: the context's. At most one per layer; one runs the layers
    /// one after the other. Results do not depend on it on the project's kernels; on OpenBLAS only to
    /// rounding (a product split by columns may round differently).
    public var wavefrontThreads: Int? {
        get { wavefront.threadLimit }
        set { wavefront.threadLimit = newValue }
    }

    /// Counts the Float matrix products by shape while set (the bench listens so).
    public var productRecorder: ProductRecorder? {
        get { products.recorder }
        set { products.recorder = newValue }
    }

    /// The share of each input projection (and of the gradient it passes down) that the thread of the
    /// layer below takes where two layers' threads meet; nil (the default): shared so that neither waits,
    /// by the last window's work. Results do not depend on it; tests and measurements set it.
    public var projectionShare: Double? {
        get { wavefront.projectionShare }
        set { wavefront.projectionShare = newValue }
    }

    /// `resets` (by default: every stream starts from a zero state now) must have `config.stateReset`'s
    /// interval and `batch` streams.
    /// `keeps`: `.currentTimeStep` for scoring, which has no backward and keeps each prediction's entropy.
    /// `context`: the engine and threads to multiply on.
    public init(config: ModelConfig, batch: Int, seq: Int, tau: Double = 0, resets: ResetSchedule? = nil,
                keeps: ForwardKeeps = .wholeWindow, context: ComputeContext = .process) {
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
        self.keeps = keeps
        let products = MatrixProducts(context: context)
        self.products = products
        let stackHalting = config.haltsAsStack
            ? StackHalting<Scalar>(layers: config.layers, batch: batch, seq: seq, maxPonder: config.maxPonder,
                                   keeps: keeps)
            : nil
        layers = layout.layers.enumerated().map { l, layer in
            ACTLSTMLayer(layout: layer, depth: l, config: config, batch: batch, seq: seq, keeps: keeps,
                         stackHalting: stackHalting, products: products)
        }
        output = OutputLayer(layout: layout, batch: batch, seq: seq, products: products, keeps: keeps)
        wavefront = Wavefront(layers: config.layers, products: products)
        inputs = .zeroed(batch * seq)
    }

    deinit { inputs.deallocate() }

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
    /// after the window. Layer 1 looks the bytes up, the wavefront runs the layers and, chunk by chunk on
    /// the top layer's thread, the output layer (which has time to spare while the layers below, pondering
    /// more, finish theirs), then the window's loss adds up.
    @discardableResult
    public func forward(parameters: UnsafeBufferPointer<Scalar>, inputs x: UnsafeBufferPointer<UInt8>,
                        targets y: UnsafeBufferPointer<UInt8>?) -> WindowLoss {
        precondition(parameters.count == layout.count, "\(parameters.count) parameters for a model of \(layout.count)")
        precondition(x.count % batch == 0 && x.count / batch <= seq && x.count > 0,
                     "\(x.count) inputs do not make a window of at most \(seq) steps of \(batch) streams")
        precondition(y == nil || y!.count == x.count, "one target per input")
        let θ = parameters.baseAddress!, layers = self.layers
        length = x.count / batch
        inputs.update(from: x.baseAddress!, count: x.count)
        resets.advance(reading: length) { b in
            for layer in layers { layer.resetState(stream: b) }
        }

        wavefront.shareColumns(4 * config.hidden) { layers[0].lookupForward(θ, bytes: inputs, length: length, columns: $0) }
        output.beginForward(θ, length: length, targets: y?.baseAddress)
        wavefront.forward(layers, θ, length: length, output: output)
        return windowLoss(positions: x.count, hasTargets: y != nil)
    }

    /// Σρ of each layer, and with targets the task loss, of the last forward window's `positions`.
    private func windowLoss(positions: Int, hasTargets: Bool) -> WindowLoss {
        var loss = WindowLoss(layers: layers.count)
        for l in layers.indices { loss.ponder[l] = layers[l].ponder }
        loss.count = positions
        if hasTargets { loss.taskNats = output.taskNats(positions: positions) }
        return loss
    }

    /// Gradients of the last forward window's objective, written over `gradients` (layout order): forward's
    /// mirror, from the loss through the output layer, the wavefront (the output layer's weight gradients
    /// on the top layer's thread once its time steps are done) and layer 1's lookup.
    /// Needs that forward to have had targets. Consumes the window's logits.
    public func backward(parameters: UnsafeBufferPointer<Scalar>, gradients: UnsafeMutableBufferPointer<Scalar>) {
        precondition(keeps == .wholeWindow, "backward needs a network that keeps the whole window (training's)")
        precondition(output.hasTargets, "backward needs a forward window with targets")
        precondition(gradients.count == layout.count, "\(gradients.count) gradients for a model of \(layout.count)")
        let θ = parameters.baseAddress!, g = gradients.baseAddress!, positions = length * batch
        g.update(repeating: 0, count: layout.count)
        let scale = 1 / Scalar(Double(positions))   // the objective is a mean over the window's positions

        output.backward(θ, g, scale: scale, positions: positions, dTop: layers.last!.gradients.dOutput)
        wavefront.backward(layers, θ, g, length: length, ponderWeight: Scalar(tau) * scale, output: output)
        wavefront.shareColumns(4 * config.hidden) { layers[0].lookupBackward(g, bytes: inputs, length: length, columns: $0) }
    }

    /// The 256 logits at `position` = t·B + b of the last forward window.
    public func logits(at position: Int) -> UnsafeBufferPointer<Scalar> {
        precondition(position >= 0 && position < length * batch, "position \(position) outside the last window")
        return UnsafeBufferPointer(start: output.logits + position * ModelConfig.vocabulary,
                                   count: ModelConfig.vocabulary)
    }

    /// −ln p(target) at `position` of the last forward window (which had targets).
    public func nats(at position: Int) -> Double {
        precondition(position >= 0 && position < length * batch, "position \(position) outside the last window")
        return output.nats[position]
    }

    /// −Σ p ln p of the prediction at `position` of the last forward window (which had targets): the
    /// predictive entropy, from the same logits as `nats(at:)`. Kept by a scoring network
    /// (`keeps: .currentTimeStep`) only.
    public func entropy(at position: Int) -> Double {
        precondition(position >= 0 && position < length * batch, "position \(position) outside the last window")
        precondition(output.entropy != nil, "entropy is kept by a scoring network (keeps: .currentTimeStep)")
        return output.entropy![position]
    }

    /// ρ = N + R of `layer` (from 0) at every position of the last forward window: [length·B].
    public func rho(layer: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: layers[layer].cache.rho, count: length * batch)
    }

    /// N, the ponder steps of `layer` at every position of the last forward window: [length·B].
    public func steps(layer: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: layers[layer].cache.steps, count: length * batch)
    }

    /// Matrix floating-point operations done so far, forward and backward (GEMM and GEMV: 2 per
    /// multiply-add), the measure `actlm bench` divides by time.
    public var flops: Double { layers.reduce(output.flops) { $0 + $1.flops } }
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
