/// Generates text from a trained model one byte at a time: the model reads a prime text, then each byte
/// it samples is fed back as its next input, as char-rnn's sampler does.
///
/// Every byte read, primed or generated, yields its ponder-map row (ρ and N of each layer while reading
/// it), so a view can colour the text by how long the model pondered on each character.
public final class TextGenerator {
    public let config: ModelConfig
    public let sampler: Sampler
    private let parameters: [Float]
    private let network: Network<Float>
    private let window: Int
    private var input: [UInt8]       // [window] bytes of one forward pass
    private var hasLogits = false    // whether the model has read anything to predict from
    private var offset: Int64 = 0    // bytes read so far
    private var recent: [UInt8] = [] // the last bytes read, to pick up from after a state reset
    private var row: PonderMapRow

    /// Before anything else the model reads this, so a sample without a prime starts like a new line.
    public static let start = UInt8(ascii: "\n")

    public init(model: TrainedModel, sampler: Sampler, window: Int = TextRunner.defaultWindow) {
        config = model.config
        self.sampler = sampler
        parameters = model.parameters
        self.window = window
        network = Network(config: model.config, batch: 1, seq: window, tau: 0)
        input = [UInt8](repeating: 0, count: window)
        row = PonderMapRow(offset: 0, byte: 0, bits: nil, rho: Array(repeating: 0, count: model.config.layers),
                           steps: Array(repeating: 0, count: model.config.layers))
    }

    /// The model reads `text` (a prime), in windows.
    public func read(_ text: [UInt8]) {
        read(text) { _ in }
    }

    /// `read`, with each byte's row (its ponder) handed to `row`.
    public func read(_ text: [UInt8], row: (PonderMapRow) throws -> Void) rethrows {
        var start = 0
        while start < text.count {
            let n = min(window, text.count - start)
            for i in 0..<n { input[i] = text[start + i] }
            forward(count: n)
            for i in 0..<n { try row(rowFor(byte: input[i], position: i)) }
            start += n
        }
    }

    /// Samples the next byte from what the model predicts after everything read so far, reads it, and
    /// returns its row (the byte and how long the model pondered while reading it).
    public func next() -> PonderMapRow {
        if !hasLogits {
            input[0] = Self.start
            forward(count: 1)
        }
        let byte = sampler.next(logits: network.logits(at: network.length - 1))
        restartIfDue()
        input[0] = byte
        forward(count: 1)
        return rowFor(byte: byte, position: 0)
    }

    /// A model trained with state resets has never read more than `stateReset` bytes since a zero
    /// state. Where the state is due for a reset, a fresh state first re-reads the last half of that many
    /// bytes, so the text goes on in context (a bare zero state would forget mid-word, even mid-character).
    private func restartIfDue() {
        guard network.resets.isDue(stream: 0, reading: 1) else { return }
        let context = Array(recent.suffix(config.stateReset / 2))
        network.resetState()
        var start = 0
        while start < context.count {
            let n = min(window, context.count - start)
            for i in 0..<n { input[i] = context[start + i] }
            forward(count: n, remembering: false)
            start += n
        }
    }

    /// Runs `input[0..<count]`; `remembering` keeps the bytes for a later restart (re-read bytes are
    /// already kept).
    private func forward(count: Int, remembering: Bool = true) {
        parameters.withUnsafeBufferPointer { θ in
            input.withUnsafeBufferPointer { x in
                _ = network.forward(parameters: θ, inputs: UnsafeBufferPointer(rebasing: x[0..<count]), targets: nil)
            }
        }
        hasLogits = true
        if remembering && config.stateReset > 0 {
            recent.append(contentsOf: input[0..<count])
            if recent.count > 2 * config.stateReset { recent.removeFirst(recent.count - config.stateReset) }
        }
    }

    /// The row of the byte at `position` of the last forward pass; offsets count from the first byte read.
    private func rowFor(byte: UInt8, position: Int) -> PonderMapRow {
        row.offset = offset
        row.byte = byte
        for l in 0..<config.layers {
            row.rho[l] = network.rho(layer: l)[position]
            row.steps[l] = network.steps(layer: l)[position]
        }
        offset += 1
        return row
    }
}
