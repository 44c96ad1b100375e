/// What one pass over the held-out bytes found.
public struct ValidationResult: Equatable, Sendable {
    /// The training step whose weights were evaluated.
    public var step: Int
    /// Bits per character of the task loss over every predicted held-out byte.
    public var bpc: Double
    /// Mean ponder cost ρ of each layer.
    public var meanRho: [Double]
    /// Bytes predicted.
    public var chars: Int
    /// Where the model pondered over those bytes, by byte value and character class.
    public var stats: PonderStats
    /// ρ and N of every byte of the fixed excerpt (the first bytes of the held-out text).
    public var trace: PonderTrace
}

/// Scores the model on held-out bytes in a batch: the first `validChars` bytes of the validation part
/// are cut into B contiguous segments, run side by side from a zero state, so validation costs about
/// a B-th of running them one stream at a time. The first segment starts with the excerpt, so the ponder
/// trace comes out of the same pass.
final class ValidationEvaluator {
    let text: [UInt8]
    let batch: Int
    let seq: Int
    /// Bytes per segment; each predicts `segment − 1` of them.
    let segment: Int
    let traceLength: Int
    /// The segments this rank runs (all of them alone); the others' results are summed in.
    let share: StreamShare
    let communicator: Communicator

    init(corpus: Corpus, batch: Int, seq: Int, validChars: Int, traceChars: Int,
         share: StreamShare? = nil, communicator: Communicator = SingleProcess()) throws {
        let stream = try corpus.validationStream()
        var text = [UInt8](repeating: 0, count: Int(min(stream.count, Int64(validChars))))
        var filled = 0
        while filled < text.count {
            let n = try text.withUnsafeMutableBytes {
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if n == 0 { break }
            filled += n
        }
        let segment = filled / batch
        guard segment >= 2 else { throw TrainingError.validationTooShort(bytes: filled, batch: batch) }
        self.text = text
        self.batch = batch
        self.seq = seq
        self.segment = segment
        let share = share ?? StreamShare(batch: batch)
        self.share = share
        self.communicator = communicator
        traceLength = share.streams.contains(0) ? min(traceChars, segment - 1) : 0
    }

    /// Runs the held-out segments through `network` and puts its carried state back afterwards, so
    /// validation never changes what training does next.
    func evaluate(network: Network<Float>, parameters: UnsafeBufferPointer<Float>, step: Int) throws -> ValidationResult {
        let layers = network.config.layers
        let carried = network.state, carriedSinceReset = network.bytesSinceReset
        network.resetState()
        defer {
            network.state = carried
            network.bytesSinceReset = carriedSinceReset
        }

        var total = WindowLoss(layers: layers)
        var stats = PonderStats(layers: layers, maxPonder: network.config.maxPonder)
        var trace = PonderTrace(text: Array(text[0..<traceLength]), layers: layers)
        let batch = share.streams.count, first = share.streams.lowerBound
        var inputs = [UInt8](repeating: 0, count: seq * batch)   // [T, B]
        var targets = inputs
        // The byte before each segment, for the character class of its first byte.
        var previous = share.streams.map { $0 == 0 ? UInt8(ascii: "\n") : text[$0 * segment - 1] }
        var traceRho = [Float](repeating: 0, count: seq)
        var traceSteps = [Int32](repeating: 0, count: seq)

        let predicted = segment - 1
        var offset = 0
        while offset < predicted {
            let length = min(seq, predicted - offset)
            for t in 0..<length {
                for b in 0..<batch {
                    let i = (first + b) * segment + offset + t
                    inputs[t * batch + b] = text[i]
                    targets[t * batch + b] = text[i + 1]
                }
            }
            let count = length * batch
            inputs.withUnsafeBufferPointer { allInputs in
                let x = UnsafeBufferPointer(rebasing: allInputs[0..<count])
                total.add(targets.withUnsafeBufferPointer {
                    network.forward(parameters: parameters, inputs: x, targets: UnsafeBufferPointer(rebasing: $0[0..<count]))
                })
                previous.withUnsafeBufferPointer { before in
                    for layer in 0..<layers {
                        let rho = network.rho(layer: layer), steps = network.steps(layer: layer)
                        stats.record(layer: layer, inputs: x, previous: before, rho: rho, steps: steps)
                        let traced = min(length, traceLength - offset)
                        if traced > 0 {
                            // The excerpt is stream 0: every B-th value.
                            for t in 0..<traced {
                                traceRho[t] = rho[t * batch]
                                traceSteps[t] = steps[t * batch]
                            }
                            trace.record(layer: layer, start: offset, rho: Array(traceRho[0..<traced]),
                                         steps: Array(traceSteps[0..<traced]))
                        }
                    }
                }
            }
            for b in 0..<batch { previous[b] = inputs[(length - 1) * batch + b] }
            offset += length
        }
        try communicator.sum(&total, &stats)
        return ValidationResult(step: step, bpc: total.bitsPerCharacter, meanRho: total.meanPonder,
                                chars: total.count, stats: stats, trace: trace)
    }
}
