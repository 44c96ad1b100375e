/// Generates text from a trained model one byte at a time: the model reads a prime text, then each byte
/// it samples is fed back as its next input, as char-rnn's sampler does.
///
/// Every byte read, primed or generated, yields its ponder-map row (ρ and N of each layer while reading
/// it), so a view can colour the text by how long the model pondered on each character. The prime, and
/// the context re-read after a state reset, are read by a `TextScorer` of one stream, so they reset
/// exactly where eval and training reset; sampled bytes then go on from the state it leaves.
public final class TextGenerator {
    public let config: ModelConfig
    public let sampler: Sampler
    private let parameters: [Float]
    private let scorer: TextScorer
    private var network: Network<Float>?  // the scorer's, holding the state after everything read
    private var offset: Int64 = 0         // bytes read so far (the start byte not counted)
    private var recent: [UInt8] = []      // the last bytes read, to pick up from after a state reset
    private var row: PonderMapRow

    /// Before anything else the model reads this, so a sample without a prime starts like a new line.
    public static let start = UInt8(ascii: "\n")

    /// Multiplies on `context`, one thread of it (a single stream; `ComputeContext.forSingleStream`).
    public init(model: TrainedModel, sampler: Sampler, context: ComputeContext = .process) {
        config = model.config
        self.sampler = sampler
        parameters = model.parameters
        scorer = TextScorer(config: model.config, batch: 1, context: context)
        row = PonderMapRow(offset: 0, byte: 0, bits: nil, rho: Array(repeating: 0, count: model.config.layers),
                           steps: Array(repeating: 0, count: model.config.layers))
    }

    /// The model reads `text` (a prime).
    public func read(_ text: [UInt8]) {
        try? read(text) { _ in }  // nothing throws without a row receiver
    }

    /// `read`, with each byte's row (its ponder) handed to `row`. A generator reads one prime, before
    /// anything is sampled.
    public func read(_ text: [UInt8], row: (PonderMapRow) throws -> Void) throws {
        precondition(network == nil, "read the prime once, before sampling")
        guard !text.isEmpty else { return }
        try withoutActuallyEscaping(row) { try scoreFromZeroState(text, row: $0) }
        offset = Int64(text.count)
        remember(text)
    }

    /// Samples the next byte from what the model predicts after everything read so far, reads it, and
    /// returns its row (the byte and how long the model pondered while reading it).
    public func next() -> PonderMapRow {
        if network == nil { try? scoreFromZeroState([Self.start]) }
        let network = self.network!
        let byte = sampler.next(logits: network.logits(at: network.length - 1))
        restartIfDue()
        parameters.withUnsafeBufferPointer { θ in
            [byte].withUnsafeBufferPointer { x in _ = self.network!.forward(parameters: θ, inputs: x, targets: nil) }
        }
        remember([byte])
        let current = self.network!
        row.offset = offset
        row.byte = byte
        for l in 0..<config.layers {
            row.rho[l] = current.rho(layer: l)[0]
            row.steps[l] = current.steps(layer: l)[0]
        }
        offset += 1
        return row
    }

    /// Reads `text` through the scorer from a zero state and goes on from the state it leaves.
    private func scoreFromZeroState(_ text: [UInt8], row: ((PonderMapRow) throws -> Void)? = nil) throws {
        guard !text.isEmpty else {
            network?.resetState()
            return
        }
        _ = try scorer.run(parameters: parameters, bytes: text, row: row)
        network = scorer.lastNetwork
    }

    /// A model trained with state resets has never read more than `stateReset` bytes since a zero
    /// state. Where the state is due for a reset, a fresh state first re-reads the last half of that many
    /// bytes, so the text goes on in context (a bare zero state would forget mid-word, even mid-character).
    private func restartIfDue() {
        guard let network, network.resets.isDue(stream: 0, reading: 1) else { return }
        try? scoreFromZeroState(Array(recent.suffix(config.stateReset / 2)))
    }

    /// Keeps the last bytes read for a later restart.
    private func remember(_ bytes: [UInt8]) {
        guard config.stateReset > 0 else { return }
        recent.append(contentsOf: bytes)
        if recent.count > 2 * config.stateReset { recent.removeFirst(recent.count - config.stateReset) }
    }
}
