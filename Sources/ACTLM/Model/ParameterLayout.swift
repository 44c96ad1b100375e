/// Where every parameter of a stacked ACT-LSTM lives in the model's one flat buffer, so the optimizer,
/// gradient clipping, checkpoints and gradient checks are each one loop over it.
///
/// Matrices are row-major with the input unit as the row: a layer computes pre-activations as the row
/// vector `[x ; h] · W`, so a batch of rows is one GEMM with no transposes. The 4H gate columns are in
/// the order i, f, o, g (input, forget, output gates, then the candidate).
public struct ParameterLayout: Equatable, Sendable {
    public struct Layer: Equatable, Sendable {
        /// 256 for the first layer (one row per byte value, read by lookup), H above it.
        public let inputSize: Int
        /// The first layer: its input is a byte, its input rows a lookup table. (Not `inputSize == 256`:
        /// with H = 256 the layers above have that input size too.)
        public let readsBytes: Bool
        public let inputWeights: Range<Int>      // [inputSize, 4H]
        public let flagWeights: Range<Int>       // [4H]   the column of the first-step flag δ(n = 1)
        public let recurrentWeights: Range<Int>  // [H, 4H]
        public let bias: Range<Int>              // [4H]
        public let haltingWeights: Range<Int>    // [2H]   w_η over [h ; c] (ModelConfig.haltingInput decides)
        public let haltingBias: Range<Int>       // [1]    b_η
        // Both empty for a layer without a halting unit of its own (`ModelConfig.haltingScope`).

        public var hasHaltingUnit: Bool { !haltingBias.isEmpty }
    }

    public let config: ModelConfig
    public let layers: [Layer]
    public let outputWeights: Range<Int>         // [H, 256]
    public let outputBias: Range<Int>            // [256]
    /// Parameters in all.
    public let count: Int

    public init(config: ModelConfig) {
        self.config = config
        let H = config.hidden, gates = 4 * config.hidden
        var next = 0
        func take(_ n: Int) -> Range<Int> {
            defer { next += n }
            return next..<(next + n)
        }
        var layers: [Layer] = []
        for l in 0..<config.layers {
            let inputSize = l == 0 ? ModelConfig.vocabulary : H
            let halts = config.hasHaltingUnit(layer: l)
            layers.append(Layer(inputSize: inputSize, readsBytes: l == 0, inputWeights: take(inputSize * gates), flagWeights: take(gates),
                                recurrentWeights: take(H * gates), bias: take(gates),
                                haltingWeights: take(halts ? config.haltingInput.weightCount(hidden: H) : 0),
                                haltingBias: take(halts ? 1 : 0)))
        }
        self.layers = layers
        outputWeights = take(H * ModelConfig.vocabulary)
        outputBias = take(ModelConfig.vocabulary)
        count = next
    }

    /// Fresh weights: uniform in ±1/√fan-in for the recurrent and output matrices, forget-gate bias 1,
    /// halting weights 0 and halting bias `config.haltingBias`, so an untrained layer halts after 2 steps
    /// (η = σ(1) ≈ 0.73 per step) as in the paper. The input rows of every layer are uniform in ±1: layer
    /// 1's are a lookup table of bytes, each row read alone (a fan-in of 1); the layers above read the
    /// layer below's h, whose entries are far below the unit size that ±1/√fan-in assumes (docs/how-it-works.md,
    /// "Initial weights", has the measurements).
    public func initialParameters(random: inout RandomSource) -> [Float] {
        var θ = [Float](repeating: 0, count: count)
        let H = config.hidden
        func uniform(_ range: Range<Int>, bound: Float) {
            for i in range { θ[i] = (2 * random.nextUnitFloat() - 1) * bound }
        }
        func uniform(_ range: Range<Int>, fanIn: Int) { uniform(range, bound: 1 / Float(fanIn).squareRoot()) }
        for layer in layers {
            // [x ; h] with x one-hot has 1 + H inputs that are not zero.
            let fanIn = (layer.readsBytes ? 1 : layer.inputSize) + H
            uniform(layer.inputWeights, bound: 1)
            uniform(layer.flagWeights, fanIn: fanIn)
            uniform(layer.recurrentWeights, fanIn: fanIn)
            for i in layer.bias.lowerBound + H..<layer.bias.lowerBound + 2 * H { θ[i] = 1 }  // forget gate
            for i in layer.haltingBias { θ[i] = Float(config.haltingBias) }
        }
        uniform(outputWeights, fanIn: H)
        return θ
    }
}
