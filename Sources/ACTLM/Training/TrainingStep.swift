/// One step of truncated-BPTT training, the one `Trainer` and both benchmarks run (`TrainingStart` builds
/// it): the next window of the corpus's B streams, forward with the carried state (streams due for a
/// reset, staggered by the step, start from zero), backward, the replicas joined (when data-parallel),
/// the finite check, clipping by global norm and Adam with the halting units' rates. It owns what a step
/// changes: weights, Adam and the step count.
public final class TrainingStep {
    /// The run's settings; the trainer fixes a decay that waits for the run's speed in them.
    public internal(set) var options: TrainingOptions
    /// Steps taken so far in the whole run.
    public private(set) var step: Int
    /// The flat parameter buffer (ParameterLayout order).
    public var parameters: [Float]
    public private(set) var adam: Adam
    /// Set by a data-parallel run; nil trains alone.
    public var reduction: GradientReduction?
    /// The checkpoint saved last, or resumed from (the trainer keeps it): named when training diverges.
    public var lastCheckpoint: String?
    /// The streams this replica trains, out of the run's B.
    public let share: StreamShare

    let network: Network<Float>
    let batches: CorpusBatches
    private var window: BatchWindow
    private var gradients: [Float]

    /// What one step did.
    public struct Outcome: Sendable {
        /// The window's loss, over every replica.
        public var loss: WindowLoss
        public var learningRate: Double
        /// ‖g‖₂ before clipping.
        public var gradNorm: Double
    }

    /// Continues at `step` with these weights and optimiser state; the corpus's streams start at
    /// `positions` (nil: at the start) and the network carries `networkState` (nil: zero), both for all B
    /// streams, of which a data-parallel replica takes its `share`. The network multiplies on `context`.
    public init(corpus: Corpus, options: TrainingOptions, parameters: [Float], adam: Adam? = nil, step: Int = 0,
                positions: [Int64]? = nil, networkState: [Float]? = nil, share: StreamShare? = nil,
                context: ComputeContext = .process) throws {
        let share = share ?? StreamShare(batch: options.batch)
        self.share = share
        self.options = options
        self.step = step
        self.parameters = parameters
        self.adam = adam ?? Adam(parameterCount: parameters.count)
        let streams = share.streams.count
        // Training's stagger over all B streams; this replica keeps its own streams' phases.
        let resets = ResetSchedule.staggered(interval: options.model.stateReset, streams: options.batch,
                                             window: options.seq, step: step).keeping(share.streams)
        network = Network<Float>(config: options.model, batch: streams, seq: options.seq, tau: options.tau,
                                 resets: resets, context: context)
        if let networkState { network.state = share.slice(state: networkState, hidden: options.model.hidden) }
        let starts = share.isWhole ? positions : Array((positions ?? corpus.streamStarts(batch: options.batch))[share.streams])
        batches = try corpus.batches(batch: streams, seq: options.seq, positions: starts)
        window = BatchWindow(batch: streams, seq: options.seq)
        gradients = [Float](repeating: 0, count: parameters.count)
    }

    /// The recurrent state of this replica's streams carried into the next window.
    public var networkState: [Float] { network.state }
    /// Where each of this replica's streams' next window starts.
    public var positions: [Int64] { batches.positions }

    /// Takes the step. A non-finite loss or gradient throws `TrainingError.diverged` and leaves the
    /// weights as they were.
    @discardableResult
    public func run() throws -> Outcome {
        let rate = options.schedule.rate(at: step)
        try batches.next(into: &window)
        let local = parameters.withUnsafeBufferPointer { θ in
            window.inputs.withUnsafeBufferPointer { x in
                window.targets.withUnsafeBufferPointer { y in network.forward(parameters: θ, inputs: x, targets: y) }
            }
        }
        parameters.withUnsafeBufferPointer { θ in
            gradients.withUnsafeMutableBufferPointer { network.backward(parameters: θ, gradients: $0) }
        }
        let loss = try joinReplicas(local)
        let objective = loss.objective(tau: options.tau)
        guard objective.isFinite else { throw diverged("training loss", objective, rate) }
        let clipping = gradients.withUnsafeMutableBufferPointer { GradientClipping.clip($0, maxNorm: Float(options.clip)) }
        guard clipping.isFinite else { throw diverged("gradient norm", clipping.norm, rate) }
        adam.update(parameters: &parameters, gradients: gradients, learningRate: Float(rate), scaled: rateScales(),
                    threads: network.context.threads)
        step += 1
        return Outcome(loss: loss, learningRate: rate, gradNorm: clipping.norm)
    }

    /// Backward gave the gradient of this replica's mean objective over its own positions. Weighted by
    /// its share of all positions and summed over the replicas, it becomes the gradient of the mean over
    /// all of them; the loss totals are summed alike. Alone, nothing changes (not even by rounding).
    private func joinReplicas(_ local: WindowLoss) throws -> WindowLoss {
        guard let reduction else { return local }
        var totals = [local.taskNats, Double(local.count)] + local.ponder
        try totals.withUnsafeMutableBufferPointer { try reduction.sum($0) }
        var global = local
        global.taskNats = totals[0]
        global.count = Int(totals[1].rounded())
        global.ponder = Array(totals[2...])
        let share = Float(Double(local.count) / Double(global.count))
        try gradients.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] *= share }
            try reduction.sum(g)
        }
        return global
    }

    /// The parts that learn at their own rate: layer 1's byte rows at `byteLearningRateScale`, and the
    /// halting units frozen during the halting warm-up, then at `haltingLearningRateScale`.
    private func rateScales() -> [Adam.RateScale] {
        var parts: [Adam.RateScale] = []
        if options.byteLearningRateScale != 1 {
            parts += network.layout.layers.filter(\.readsBytes)
                .map { Adam.RateScale($0.inputWeights, Float(options.byteLearningRateScale)) }
        }
        let halting = step < options.haltingWarmup ? 0 : Float(options.haltingLearningRateScale)
        if halting != 1 {
            parts += network.layout.layers.flatMap { layer in
                [Adam.RateScale(layer.haltingWeights, halting), Adam.RateScale(layer.haltingBias, halting)]
            }
        }
        return parts.filter { !$0.range.isEmpty }
    }

    /// Divergence at the next step, naming the last checkpoint to go back to.
    func diverged(_ quantity: String, _ value: Double, _ rate: Double) -> TrainingError {
        .diverged(step: step + 1, quantity: quantity, value: value, learningRate: rate, lastCheckpoint: lastCheckpoint)
    }
}
