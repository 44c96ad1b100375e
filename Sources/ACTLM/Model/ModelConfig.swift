/// The shape of a stacked ACT-LSTM (see ../shared/docs/act-lstm.md); stored in every checkpoint.
public struct ModelConfig: Equatable, Codable, Sendable {
    /// The byte alphabet: the model reads and predicts bytes.
    public static let vocabulary = 256

    public var layers: Int          // L
    public var hidden: Int          // H
    public var maxPonder: Int       // M; 1 makes every layer a plain LSTM
    public var epsilon: Double      // ε: halting threshold is 1 − ε
    public var haltingBias: Double  // initial b_η; 1 as in the paper (an untrained layer takes 2 steps)

    public init(layers: Int = 2, hidden: Int = 256, maxPonder: Int = 8,
                epsilon: Double = 0.01, haltingBias: Double = 1) {
        self.layers = layers
        self.hidden = hidden
        self.maxPonder = maxPonder
        self.epsilon = epsilon
        self.haltingBias = haltingBias
    }
}
