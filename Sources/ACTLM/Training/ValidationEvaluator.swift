/// What one pass over the held-out bytes found.
public struct ValidationResult: Equatable, Sendable {
    /// The training step whose weights were evaluated.
    public var step: Int
    /// Bits per character of the task loss over every predicted held-out byte.
    public var bpc: Double
    /// Mean ponder cost ρ of each layer over the predicted bytes.
    public var meanRho: [Double]
    /// Bytes predicted: every held-out byte read but the last.
    public var chars: Int
    /// Where the model pondered over the bytes read, by byte value and character class.
    public var stats: PonderStats
    /// ρ, N, bits and entropy of every byte of the fixed excerpt (the first bytes of the held-out text).
    public var trace: PonderTrace
}

/// Scores the model on the first `validChars` bytes of the validation part exactly as `actlm eval` scores
/// a text (through a `TextScorer`: cut at the model's reset boundaries, the segments side by side), so a
/// checkpoint's validation bpc is what eval says of the same bytes. The ponder trace is the first
/// `traceChars` rows of the same pass. The scorer has networks of its own: training's state is untouched.
/// A data-parallel run cuts the bytes at segment boundaries into one part per rank and sums the parts.
final class ValidationEvaluator {
    let text: [UInt8]
    let traceLength: Int
    private let scorer: TextScorer
    private let communicator: Communicator
    /// The bytes this rank reads.
    private let part: Range<Int>

    init(corpus: Corpus, config: ModelConfig, validChars: Int, traceChars: Int,
         communicator: Communicator = SingleProcess(), context: ComputeContext = .process) throws {
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
        guard filled >= 2 else { throw TrainingError.validationTooShort(bytes: filled) }
        self.text = Array(text[0..<filled])
        scorer = TextScorer(config: config, context: context)
        self.communicator = communicator
        part = Self.part(of: filled, rank: communicator.rank, ranks: communicator.size, segment: scorer.segment,
                         resets: config.stateReset > 0)
        traceLength = min(traceChars, part.count)
    }

    /// Rank r's share of `count` bytes: about a K-th, cut at a segment boundary (so each part scores as it
    /// would within the whole text). A model without resets reads the text as one stream, on rank 0.
    static func part(of count: Int, rank: Int, ranks: Int, segment: Int, resets: Bool) -> Range<Int> {
        func boundary(_ r: Int) -> Int {
            if r == 0 { return 0 }
            if r >= ranks || !resets { return count }
            return min(count, (r * count / ranks + segment / 2) / segment * segment)
        }
        return boundary(rank)..<boundary(rank + 1)
    }

    /// Held-out bytes read per validation.
    var bytes: Int { text.count }

    /// In a data-parallel run every rank must call it together.
    func evaluate(parameters: [Float], step: Int) throws -> ValidationResult {
        let layers = scorer.config.layers
        var traceRho = [[Float]](repeating: [], count: layers)
        var traceSteps = [[Int32]](repeating: [], count: layers)
        var traceBits: [Float] = [], traceEntropy: [Float] = []
        let traceLength = self.traceLength
        // Only the row receiver could throw, and it does not.
        var evaluation = try! scorer.run(parameters: parameters, part: text[part], of: text) { row in
            guard row.offset < traceLength else { return }
            traceBits.append(row.bits ?? .nan)
            traceEntropy.append(row.entropy ?? .nan)
            for l in 0..<layers {
                traceRho[l].append(row.rho[l])
                traceSteps[l].append(row.steps[l])
            }
        }
        try communicator.sum(&evaluation.loss, &evaluation.stats)
        // The excerpt is the text's start, which rank 0 reads.
        var trace = PonderTrace(text: Array(text[0..<traceLength]), layers: layers)
        for l in 0..<layers { trace.record(layer: l, start: 0, rho: traceRho[l], steps: traceSteps[l]) }
        trace.record(start: 0, bits: traceBits)
        trace.record(start: 0, entropy: traceEntropy)
        return ValidationResult(step: step, bpc: evaluation.loss.bitsPerCharacter, meanRho: evaluation.loss.meanPonder,
                                chars: evaluation.loss.count, stats: evaluation.stats, trace: trace)
    }
}
