/// What the model did at one byte of a text: the row a ponder map shows for it.
///
/// Alignment: at step t the model reads byte x_t, ponders on it (ρ_t, N_t in every layer) and then
/// predicts x_{t+1}. The row for x_t shows the ponder while *reading* x_t, and the surprise `bits` of
/// x_t itself, −log2 p(x_t | x_<t), which the model stated at step t−1. So a high `bits` next to a high
/// ρ reads "the model did not see this byte coming and then thought hard about it". The first byte of a
/// text has no prediction: its `bits` is nil (empty in TSV, null in JSON, "—" in HTML and SVG).
public struct PonderMapRow: Equatable, Sendable {
    public var offset: Int64     // position of `byte` in the text
    public var byte: UInt8
    public var bits: Float?      // surprise of this byte; nil for the first byte
    public var rho: [Float]      // [L] ρ = N + R of each layer while reading this byte
    public var steps: [Int32]    // [L] N, the ponder steps of each layer
    /// The entropy in bits of the prediction made at this byte (of x_{t+1}, as the next-step loss):
    /// −Σ p log2 p; nil where no prediction was made or its entropy not kept.
    public var entropy: Float?

    public init(offset: Int64, byte: UInt8, bits: Float?, rho: [Float], steps: [Int32], entropy: Float? = nil) {
        precondition(rho.count == steps.count, "one ρ and one N per layer")
        self.offset = offset
        self.byte = byte
        self.bits = bits
        self.rho = rho
        self.steps = steps
        self.entropy = entropy
    }

    public var layers: Int { rho.count }
}
