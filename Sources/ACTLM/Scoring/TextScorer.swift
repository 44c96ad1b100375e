import Foundation

/// Runs a trained model over a text of any length and hands every byte's ponder-map row (offset, byte,
/// surprise in bits, ρ and N of each layer, the entropy of the prediction made there) to a consumer in
/// text order, adding everything up into a `TextEvaluation` (bits per character, ponder statistics).
/// Eval, ponder-map, training's validation and the sampler's prime all read text through it.
///
/// A model trained with state resets (`ModelConfig.stateReset` = S) never carries anything across a
/// reset, so the text is cut at multiples of S into segments that each start from a zero state, and up to
/// `batch` of them run side by side as the rows of one batch: the matrix products grow from one row to
/// B rows while every byte comes out exactly as it would reading the text one byte at a time. A model
/// trained without resets reads the text as one stream.
///
/// Alignment: a segment reads x_s … x_e and predicts x_{s+1} … x_{e+1}; x_{e+1} is the first byte of the
/// next segment, predicted from the end of this one (as reading straight through would). Every byte but
/// the text's last is predicted. Memory stays constant: the scorer reads ahead at most the bytes of one
/// batch of segments and one byte more, and buffers the rows of one batch to emit them in order.
public final class TextScorer {
    /// Segments run side by side by default: the fastest of 32, 64 and 128 on the 2-core machine this
    /// was measured on with windows of 10 steps; at 50 steps 128 is level with 64 and 32 slower
    /// (docs/performance.md, "Scoring").
    public static let defaultBatch = 64
    /// Time steps × streams of one forward pass at most: enough time steps for the layer wavefront to
    /// keep both cores busy (a window of 10 steps left a third of them idle; 50 is 15–20% faster), few
    /// enough that the per-window buffers stay small (about 90 MB in all at batch 64).
    public static let positionsPerWindow = 3200

    public let config: ModelConfig
    /// The engine and threads the networks multiply on: one thread for a single stream, unless the user
    /// chose (`ComputeContext.forSingleStream`).
    public let context: ComputeContext
    /// Segments side by side (1 for a model without resets).
    public let batch: Int
    /// Bytes per segment: the reset interval, or for a model without resets the bytes read per pass of
    /// its one stream.
    public let segment: Int
    /// Time steps per forward pass: divides `segment`, so a network's own reset schedule agrees with the
    /// segments' (it never fires inside one).
    public let window: Int
    private var resets: Bool { config.stateReset > 0 }

    // Networks by stream count: `batch` streams, and fewer for a text's last, partial batch.
    private var full: Network<Float>?
    private var tail: Network<Float>?
    /// The network that read the text's last byte: with `batch` 1 it holds the state after the text and
    /// its prediction of the next byte at its last position (the generator goes on from there).
    private(set) var lastNetwork: Network<Float>?

    private var text: [UInt8]          // [batch·segment + 1] one batch of segments and the byte after it
    private var inputs: [UInt8]        // [window, streams] time-major
    private var targets: [UInt8]       // [window, streams]
    // One batch of results in text order.
    private var nats: [Double]         // [batch·segment] −ln p(next byte) after each byte
    private var entropy: [Double]      // [batch·segment] −Σ p ln p of the same predictions
    private var rho: [Float]           // [L, batch·segment]
    private var steps: [Int32]         // [L, batch·segment]

    /// Counts its networks' products by shape (the scoring bench listens so).
    private let productRecorder: ProductRecorder?

    public init(config: ModelConfig, batch: Int = TextScorer.defaultBatch, context: ComputeContext = .process,
                productRecorder: ProductRecorder? = nil) {
        self.productRecorder = productRecorder
        precondition(batch >= 1, "a batch of at least one segment")
        self.config = config
        if config.stateReset > 0 {
            self.batch = batch
            segment = config.stateReset
            window = Self.largestDivisor(of: segment, atMost: max(1, Self.positionsPerWindow / batch))
        } else {
            self.batch = 1
            segment = 256
            window = 256
        }
        self.context = self.batch == 1 ? context.forSingleStream() : context
        let capacity = self.batch * segment
        text = [UInt8](repeating: 0, count: capacity + 1)
        inputs = [UInt8](repeating: 0, count: window * self.batch)
        targets = inputs
        nats = [Double](repeating: 0, count: capacity)
        entropy = nats
        rho = [Float](repeating: 0, count: config.layers * capacity)
        steps = [Int32](repeating: 0, count: config.layers * capacity)
    }

    static func largestDivisor(of n: Int, atMost limit: Int) -> Int {
        stride(from: min(n, limit), through: 1, by: -1).first { n % $0 == 0 }!
    }

    /// Matrix FLOPs the scorer's networks have done so far (for `actlm bench --scoring`).
    public var flops: Double { (full?.flops ?? 0) + (tail?.flops ?? 0) }

    // MARK: Running

    /// Scores `stream` from its current position to its end. `row`, when given, receives every byte's row
    /// in order; `progress` sees the totals so far after each batch.
    public func run(parameters: [Float], over stream: ByteStream, row: ((PonderMapRow) throws -> Void)? = nil,
                    progress: ((TextEvaluation) -> Void)? = nil) throws -> TextEvaluation {
        try run(parameters: parameters, read: { try stream.read(into: $0) }, row: row, progress: progress)
    }

    /// `run` over bytes in memory.
    public func run(parameters: [Float], bytes: [UInt8], row: ((PonderMapRow) throws -> Void)? = nil) throws
        -> TextEvaluation {
        try run(parameters: parameters, part: bytes[...], of: bytes, row: row)
    }

    /// Scores `part` of `text` (which must start at a segment boundary of it) as it is scored within the
    /// whole text: its first byte's class follows the byte before it, and its last byte predicts the byte
    /// after it, if any. The parts of a text cut at segment boundaries add up to the whole (data-parallel
    /// validation splits the held-out bytes this way).
    func run(parameters: [Float], part: ArraySlice<UInt8>, of text: [UInt8],
             row: ((PonderMapRow) throws -> Void)? = nil) throws -> TextEvaluation {
        var next = part.startIndex
        return try run(parameters: parameters, read: { destination in
            let n = min(destination.count, part.endIndex - next)
            text.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[next..<next + n])) }
            next += n
            return n
        }, row: row, progress: nil,
        previous: part.startIndex > 0 ? text[part.startIndex - 1] : Self.before,
        following: part.endIndex < text.count ? text[part.endIndex] : nil)
    }

    /// A text starts as if after a newline, as the ponder statistics expect.
    static let before = UInt8(ascii: "\n")

    /// The loop behind the `run`s. `read` fills part of a buffer and returns 0 only at the end; `previous`
    /// is the byte before the text and `following` the byte after it, when the text is part of a longer one.
    func run(parameters: [Float], read: (UnsafeMutableRawBufferPointer) throws -> Int,
             row: ((PonderMapRow) throws -> Void)?, progress: ((TextEvaluation) -> Void)?,
             previous before: UInt8 = TextScorer.before, following: UInt8? = nil) throws -> TextEvaluation {
        precondition(parameters.count == ParameterLayout(config: config).count, "parameters of another model")
        var evaluation = TextEvaluation(config: config)
        var rows = row.map { RowEmitter(layers: config.layers, emit: $0) }
        var previous = before
        let capacity = batch * segment
        var count = try fill(from: 0, read: read)
        var first = true
        while count > 0 {
            let n = min(count, capacity)
            let isLast = count <= capacity
            if isLast, let following { text[n] = following }
            let hasNext = !isLast || following != nil  // then text[n] is the byte after these
            let network = self.network(streams: (n + segment - 1) / segment)
            if resets || first { network.resetState() }
            parameters.withUnsafeBufferPointer { runBatch(network, parameters: $0, bytes: n, hasNext: hasNext) }
            try add(bytes: n, hasNext: hasNext, previous: previous, to: &evaluation, rows: &rows)
            lastNetwork = network
            progress?(evaluation)
            previous = text[n - 1]
            guard !isLast else { break }
            text[0] = text[n]
            count = 1 + (try fill(from: 1, read: read))
            first = false
        }
        return evaluation
    }

    /// A network for `streams` side by side: the full batch's, or one kept for a shorter last batch.
    private func network(streams: Int) -> Network<Float> {
        if streams == batch {
            if full == nil { full = makeNetwork(streams: batch) }
            return full!
        }
        if tail?.batch != streams { tail = makeNetwork(streams: streams) }
        return tail!
    }

    private func makeNetwork(streams: Int) -> Network<Float> {
        let network = Network<Float>(config: config, batch: streams, seq: window, keeps: .currentTimeStep,
                                     context: context)
        network.productRecorder = productRecorder
        return network
    }

    /// Runs `text[0..<n]`, segment b as stream b, in windows; leaves each byte's results in text order.
    /// The last segment may be shorter than the others: its stream reads padding after its end.
    private func runBatch(_ network: Network<Float>, parameters: UnsafeBufferPointer<Float>, bytes n: Int,
                          hasNext: Bool) {
        let streams = network.batch, layers = config.layers, capacity = batch * segment
        let known = hasNext ? n + 1 : n   // bytes of `text` that are real
        let longest = min(segment, n)
        for start in stride(from: 0, to: longest, by: window) {
            let length = min(window, longest - start)
            for t in 0..<length {
                for b in 0..<streams {
                    let i = b * segment + start + t
                    inputs[t * streams + b] = i < n ? text[i] : 0
                    targets[t * streams + b] = i + 1 < known ? text[i + 1] : 0
                }
            }
            let positions = length * streams
            inputs.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { y in
                    _ = network.forward(parameters: parameters, inputs: UnsafeBufferPointer(rebasing: x[0..<positions]),
                                        targets: UnsafeBufferPointer(rebasing: y[0..<positions]))
                }
            }
            for l in 0..<layers {
                let layerRho = network.rho(layer: l), layerSteps = network.steps(layer: l)
                for t in 0..<length {
                    for b in 0..<streams {
                        let i = b * segment + start + t
                        guard i < n else { continue }
                        rho[l * capacity + i] = layerRho[t * streams + b]
                        steps[l * capacity + i] = layerSteps[t * streams + b]
                    }
                }
            }
            for t in 0..<length {
                for b in 0..<streams {
                    let i = b * segment + start + t
                    guard i < n else { continue }
                    nats[i] = network.nats(at: t * streams + b)
                    entropy[i] = network.entropy(at: t * streams + b)
                }
            }
        }
    }

    /// Adds one batch's results, in text order, to the totals and hands its rows on.
    private func add(bytes n: Int, hasNext: Bool, previous: UInt8, to evaluation: inout TextEvaluation,
                     rows: inout RowEmitter?) throws {
        let capacity = batch * segment, layers = config.layers
        // Every byte but the text's last predicts the byte after it.
        let predicted = hasNext ? n : n - 1
        var loss = WindowLoss(layers: layers)
        for i in 0..<predicted { loss.taskNats += nats[i] }
        for l in 0..<layers {
            for i in 0..<predicted { loss.ponder[l] += Double(rho[l * capacity + i]) }
        }
        loss.count = predicted
        evaluation.loss.add(loss)
        text.withUnsafeBufferPointer { all in
            rho.withUnsafeBufferPointer { ρ in
                steps.withUnsafeBufferPointer { N in
                    [previous].withUnsafeBufferPointer { before in
                        for l in 0..<layers {
                            evaluation.stats.record(layer: l, inputs: UnsafeBufferPointer(rebasing: all[0..<n]),
                                                    previous: before,
                                                    rho: UnsafeBufferPointer(rebasing: ρ[l * capacity..<l * capacity + n]),
                                                    steps: UnsafeBufferPointer(rebasing: N[l * capacity..<l * capacity + n]))
                        }
                    }
                }
            }
        }
        if rows != nil {
            for i in 0..<n {
                try rows!.add(offset: evaluation.bytes + Int64(i), byte: text[i], layers: layers,
                              entropy: i < predicted ? Float(entropy[i] / M_LN2) : nil) { l in
                    (rho[l * capacity + i], steps[l * capacity + i])
                }
                rows!.nextBits = i < predicted ? Float(nats[i] / M_LN2) : nil
            }
        }
        evaluation.bytes += Int64(n)
    }

    /// Reads into `text[start...]` until it is full or the text ends; returns the bytes read.
    private func fill(from start: Int, read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Int {
        var filled = start
        while filled < text.count {
            let n = try text.withUnsafeMutableBytes { try read(UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if n == 0 { break }
            filled += n
        }
        return filled - start
    }
}

/// Hands rows on one at a time, reusing one row's arrays (no allocation per byte unless the receiver
/// keeps the row), with the surprise of each byte carried from the byte before.
private struct RowEmitter {
    private var row: PonderMapRow
    /// Surprise of the byte after the last one emitted; nil at the start of a text.
    var nextBits: Float?
    private let emit: (PonderMapRow) throws -> Void

    init(layers: Int, emit: @escaping (PonderMapRow) throws -> Void) {
        row = PonderMapRow(offset: 0, byte: 0, bits: nil, rho: Array(repeating: 0, count: layers),
                           steps: Array(repeating: 0, count: layers))
        self.emit = emit
    }

    mutating func add(offset: Int64, byte: UInt8, layers: Int, entropy: Float?,
                      ponder: (Int) -> (Float, Int32)) throws {
        row.offset = offset
        row.byte = byte
        row.bits = nextBits
        row.entropy = entropy
        for l in 0..<layers { (row.rho[l], row.steps[l]) = ponder(l) }
        try emit(row)
    }
}
