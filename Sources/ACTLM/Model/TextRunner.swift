import Foundation

/// Runs a trained model over a text of any length, one stream (batch 1) in windows of `window` bytes
/// with the recurrent state carried from each window to the next, so the result is the same as one pass
/// over the whole text while memory stays that of one window.
///
/// It yields, per byte, the ponder-map row (surprise, and ρ and N of every layer while reading it) and
/// adds everything up into a `TextEvaluation`: bits per character and the ponder statistics.
///
/// Alignment: a window reads bytes x_s … x_{s+n−1} and predicts x_{s+1} … x_{s+n}, so it needs one byte of
/// look-ahead past its end. The surprise of x_t comes from the prediction at t − 1: for the first byte of
/// a window that prediction was made by the window before, and is carried over.
public final class TextRunner {
    public static let defaultWindow = 256

    public let config: ModelConfig
    public let window: Int
    private let parameters: [Float]
    private let network: Network<Float>
    private var buffer: [UInt8]          // [window + 1] the window's bytes, then the look-ahead byte
    private var previous: [UInt8] = [0]  // [1] the byte before the window (for character classes)

    public init(model: TrainedModel, window: Int = TextRunner.defaultWindow) {
        precondition(window >= 1, "a window of at least one byte")
        config = model.config
        self.window = TextRunner.window(window, fittingResetsOf: model.config)
        parameters = model.parameters
        network = Network(config: model.config, batch: 1, seq: self.window, tau: 0)
        buffer = [UInt8](repeating: 0, count: self.window + 1)
    }

    /// The largest window up to `preferred` that a model's state-reset interval divides into whole windows,
    /// so the state resets exactly as often as in training.
    static func window(_ preferred: Int, fittingResetsOf config: ModelConfig) -> Int {
        let interval = config.stateReset
        guard interval > 0 else { return preferred }
        let windows = (interval + preferred - 1) / preferred
        return interval / windows
    }

    /// Runs the model over `stream` from its current position to its end, from a fresh state.
    /// `row`, when given, receives every byte's ponder-map row in order; `afterWindow` sees the totals
    /// so far after each window (for progress lines).
    public func run(_ stream: ByteStream, row: ((PonderMapRow) throws -> Void)? = nil,
                    afterWindow: ((TextEvaluation) -> Void)? = nil) throws -> TextEvaluation {
        try run(read: { try stream.read(into: $0) }, row: row, afterWindow: afterWindow)
    }

    /// `run` over bytes in memory.
    public func run(bytes: [UInt8], row: ((PonderMapRow) throws -> Void)? = nil) throws -> TextEvaluation {
        var next = 0
        return try run(read: { destination in
            let n = min(destination.count, bytes.count - next)
            bytes.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[next..<next + n])) }
            next += n
            return n
        }, row: row, afterWindow: nil)
    }

    /// The loop behind both `run`s. `read` fills part of a buffer and returns 0 only at the end.
    private func run(read: (UnsafeMutableRawBufferPointer) throws -> Int, row: ((PonderMapRow) throws -> Void)?,
                     afterWindow: ((TextEvaluation) -> Void)?) throws -> TextEvaluation {
        var evaluation = TextEvaluation(config: config)
        var rowBuilder = row.map { RowBuilder(layers: config.layers, emit: $0) }
        network.resetState()
        previous[0] = 0x0A  // a text starts as if after a newline, as the ponder statistics expect
        var count = try fill(from: 0, read: read)
        while count > 0 {
            // Without a look-ahead byte this is the last window: its last byte is read with no target.
            let isLast = count <= window
            let predicted = isLast ? count - 1 : window
            if predicted > 0 {
                try step(inputs: 0..<predicted, withTargets: true, into: &evaluation, rows: &rowBuilder)
            }
            if isLast {
                try step(inputs: count - 1..<count, withTargets: false, into: &evaluation, rows: &rowBuilder)
            }
            afterWindow?(evaluation)
            if isLast { break }
            buffer[0] = buffer[window]
            count = 1 + (try fill(from: 1, read: read))
        }
        return evaluation
    }

    /// One forward pass over `buffer[inputs]`, predicting the byte after each when `withTargets`.
    private func step(inputs: Range<Int>, withTargets: Bool, into evaluation: inout TextEvaluation,
                      rows: inout RowBuilder?) throws {
        let n = inputs.count
        let loss = parameters.withUnsafeBufferPointer { θ in
            buffer.withUnsafeBufferPointer { all in
                // The targets are the inputs shifted by one: the next byte of the text.
                let targets = all[inputs.lowerBound + 1..<inputs.upperBound + 1]
                return network.forward(parameters: θ, inputs: UnsafeBufferPointer(rebasing: all[inputs]),
                                       targets: withTargets ? UnsafeBufferPointer(rebasing: targets) : nil)
            }
        }
        if withTargets { evaluation.loss.add(loss) }
        buffer.withUnsafeBufferPointer { all in
            let x = UnsafeBufferPointer(rebasing: all[inputs])
            previous.withUnsafeBufferPointer { before in
                for l in 0..<config.layers {
                    evaluation.stats.record(layer: l, inputs: x, previous: before,
                                            rho: network.rho(layer: l), steps: network.steps(layer: l))
                }
            }
        }
        if rows != nil {
            let start = evaluation.bytes
            for i in 0..<n {
                try rows!.add(offset: start + Int64(i), byte: buffer[inputs.lowerBound + i], network: network,
                              position: i, predictsNext: withTargets)
            }
        }
        evaluation.bytes += Int64(n)
        previous[0] = buffer[inputs.upperBound - 1]
    }

    /// Reads into `buffer[start...]` until it is full or the text ends; returns the bytes read.
    private func fill(from start: Int, read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int {
        var filled = start
        while filled < buffer.count {
            let n = try buffer.withUnsafeMutableBytes { try read(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if n == 0 { break }
            filled += n
        }
        return filled - start
    }
}

/// Builds ponder-map rows from the network's outputs, reusing one row's arrays (no allocation per byte
/// unless the receiver keeps the row), and carries the surprise of the next byte from one window to the next.
private struct RowBuilder {
    private var row: PonderMapRow
    private var nextBits: Float?   // surprise of the byte after the last one added; nil at the start
    private let emit: (PonderMapRow) throws -> Void

    init(layers: Int, emit: @escaping (PonderMapRow) throws -> Void) {
        row = PonderMapRow(offset: 0, byte: 0, bits: nil, rho: Array(repeating: 0, count: layers),
                           steps: Array(repeating: 0, count: layers))
        self.emit = emit
    }

    mutating func add(offset: Int64, byte: UInt8, network: Network<Float>, position: Int, predictsNext: Bool) throws {
        row.offset = offset
        row.byte = byte
        row.bits = nextBits
        for l in 0..<row.layers {
            row.rho[l] = network.rho(layer: l)[position]
            row.steps[l] = network.steps(layer: l)[position]
        }
        nextBits = predictsNext ? Float(network.nats(at: position) / M_LN2) : nil
        try emit(row)
    }
}
