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
        public let haltingBiasIndex: Int         // b_η
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
            layers.append(Layer(inputSize: inputSize, readsBytes: l == 0, inputWeights: take(inputSize * gates), flagWeights: take(gates),
                                recurrentWeights: take(H * gates), bias: take(gates), haltingWeights: take(config.haltingInput.weightCount(hidden: H)),
                                haltingBiasIndex: take(1).lowerBound))
        }
        self.layers = layers
        outputWeights = take(H * ModelConfig.vocabulary)
        outputBias = take(ModelConfig.vocabulary)
        count = next
    }

    /// Fresh weights: uniform in ±1/√fan-in for the LSTM and output matrices, forget-gate bias 1, halting
    /// weights 0 and halting bias `config.haltingBias`, so an untrained layer halts after 2 steps
    /// (η = σ(1) ≈ 0.73 per step) as in the paper. Layer 1's input rows are a lookup table of bytes, each
    /// row read alone, so their fan-in is 1.
    public func initialParameters(random: inout RandomSource) -> [Float] {
        var θ = [Float](repeating: 0, count: count)
        let H = config.hidden
        func uniform(_ range: Range<Int>, fanIn: Int) {
            let bound = 1 / Float(fanIn).squareRoot()
            for i in range { θ[i] = (2 * random.nextUnitFloat() - 1) * bound }
        }
        for layer in layers {
            // [x ; h] with x one-hot has 1 + H inputs that are not zero.
            let fanIn = (layer.readsBytes ? 1 : layer.inputSize) + H
            // Bounded like the recurrent rows, a byte's row would reach the gates 16× weaker than the state
            // does, and training would idle at the byte frequencies for its first few hundred steps.
            uniform(layer.inputWeights, fanIn: layer.readsBytes ? 1 : fanIn)
            uniform(layer.flagWeights, fanIn: fanIn)
            uniform(layer.recurrentWeights, fanIn: fanIn)
            for i in layer.bias.lowerBound + H..<layer.bias.lowerBound + 2 * H { θ[i] = 1 }  // forget gate
            θ[layer.haltingBiasIndex] = Float(config.haltingBias)
        }
        uniform(outputWeights, fanIn: H)
        return θ
    }
}
