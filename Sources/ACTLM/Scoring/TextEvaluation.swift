/// What a model did over a whole text: how well it predicted it (bits per character) and where it
/// pondered (the ponder statistics by byte and character class). Sums only, so it grows by window and
/// costs the same memory for any length of text.
public struct TextEvaluation: Sendable {
    /// Bytes the model read.
    public internal(set) var bytes: Int64 = 0
    /// The task loss over the predicted bytes: every byte but the first, which nothing predicts.
    public internal(set) var loss: WindowLoss
    public internal(set) var stats: PonderStats

    public init(config: ModelConfig) {
        loss = WindowLoss(layers: config.layers)
        stats = PonderStats(layers: config.layers, maxPonder: config.maxPonder)
    }

    public var layers: Int { stats.layers }

    /// Bytes the model predicted (`bytes − 1` for a text of at least one byte).
    public var predictedBytes: Int { loss.count }

    /// nil when no byte was predicted (a text shorter than two bytes).
    public var bitsPerCharacter: Double? { loss.count == 0 ? nil : loss.bitsPerCharacter }

    /// Mean ρ of each layer over every byte read; nil for an empty text.
    public var meanPonder: [Double?] { (0..<layers).map { stats.meanRho(layer: $0) } }

    /// Mean ponder steps N of each layer over every byte read.
    public var meanSteps: [Double?] { (0..<layers).map { stats.meanSteps(layer: $0) } }

    /// Mean ρ at word boundaries over mean ρ inside words, per layer; nil where the text lacks either.
    public var boundaryToInsideRatio: [Double?] { (0..<layers).map { stats.boundaryToInsideRatio(layer: $0) } }

    /// The numbers a ponder map ends with, taken from these statistics.
    public var summary: PonderMapSummary {
        let classes = CharacterClass.allCases.compactMap { c -> PonderMapSummary.ClassPonder? in
            let count = stats.count(layer: 0, class: c)
            guard count > 0 else { return nil }
            return .init(characterClass: c, count: Int64(count),
                         meanRho: (0..<layers).map { stats.meanRho(layer: $0, class: c) ?? .nan })
        }
        return PonderMapSummary(layers: layers, bytes: bytes, classes: classes,
                                meanRho: meanPonder.map { $0 ?? .nan }, bitsPerCharacter: bitsPerCharacter,
                                boundaryToInsideRatio: boundaryToInsideRatio)
    }
}
