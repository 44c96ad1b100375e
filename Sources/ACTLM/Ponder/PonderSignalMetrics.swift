/// How well each layer's ponder marks the structure of a text, beside what the model's losses mark on the
/// same bytes (the paper's claim: ACT ponders at word boundaries more reliably than the loss rises there,
/// and does not ponder on unpredictable spans such as numbers). Computed in one place from
/// `PonderSignals`; `eval`, `inspect`, the run report and `make experiment` all show these numbers.
///
/// Definitions, at byte x_t of a text, aligned as the scorer and ponder maps align them:
/// - ρ_t and N_t: the ponder of each layer while reading x_t, before predicting x_{t+1}.
/// - next-step loss: −log2 p(x_{t+1} | x_≤t), the loss of the prediction made at the same step as ρ_t.
/// - own surprisal: −log2 p(x_t | x_<t), how unexpected x_t was (the ponder map's `bits` column).
/// - word boundary: x_t is a space or tab, punctuation, a sentence end or a newline
///   (`CharacterClass.wordBoundary`, as in the boundary/inside ratio); every other byte (letters, digits,
///   markup, control bytes) is a negative.
/// - measured bytes: every byte whose own surprisal and next-step loss are both known, i.e. all but the
///   text's first and last; every AUC and mean below is over these same bytes.
/// - AUC: `ROCAUC.area` of the signal as a detector of word boundaries; nil when the measured bytes lack
///   boundaries or other bytes. By kind of boundary (`BoundaryKind`): the AUC of each kind's bytes against
///   the same non-boundary bytes, the other kinds left out.
/// - digits: the bytes 0–9 (numbers, dates, IDs); tag openings: the byte '<'; letters: ASCII letters and
///   bytes ≥ 0x80 (`CharacterClass`'s word start and inside word).
public struct PonderSignalMetrics: Encodable, Sendable {
    /// A mean at each of three kinds of byte; nil where the measured bytes have none of that kind.
    public struct ByteKinds: Encodable, Sendable, Equatable {
        public let digits: Double?
        public let tagOpenings: Double?
        public let letters: Double?

        public init(digits: Double?, tagOpenings: Double?, letters: Double?) {
            self.digits = digits
            self.tagOpenings = tagOpenings
            self.letters = letters
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(digits, forKey: .digits)
            try c.encode(tagOpenings, forKey: .tagOpenings)
            try c.encode(letters, forKey: .letters)
        }
        private enum CodingKeys: String, CodingKey { case digits, tagOpenings, letters }
    }

    public struct Layer: Encodable, Sendable {
        /// Counted from 1.
        public let layer: Int
        public let rhoAUC: Double?
        public let stepsAUC: Double?
        public let meanRho: ByteKinds

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(layer, forKey: .layer)
            try c.encode(rhoAUC, forKey: .rhoAuc)
            try c.encode(stepsAUC, forKey: .stepsAuc)
            try c.encode(meanRho, forKey: .meanRho)
        }
        private enum CodingKeys: String, CodingKey { case layer, rhoAuc, stepsAuc, meanRho }
    }

    /// The AUCs of one kind of boundary byte against every non-boundary byte.
    public struct Kind: Encodable, Sendable {
        public let kind: BoundaryKind
        /// Measured bytes of this kind.
        public let bytes: Int
        /// Per layer.
        public let rhoAUC: [Double?]
        public let stepsAUC: [Double?]
        public let nextLossAUC: Double?
        public let surprisalAUC: Double?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind.key, forKey: .kind)
            try c.encode(kind.name, forKey: .name)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(rhoAUC, forKey: .rhoAuc)
            try c.encode(stepsAUC, forKey: .stepsAuc)
            try c.encode(nextLossAUC, forKey: .nextLossAuc)
            try c.encode(surprisalAUC, forKey: .surprisalAuc)
        }
        private enum CodingKeys: String, CodingKey { case kind, name, bytes, rhoAuc, stepsAuc, nextLossAuc, surprisalAuc }
    }

    /// Bytes of the text seen, and the first of them kept (`PonderSignals.capacity`).
    public let textBytes: Int64
    public let keptBytes: Int
    /// Bytes measured, and how many of them are word boundaries.
    public let bytes: Int
    public let boundaries: Int
    /// Measured digits, tag openings and letters.
    public let digits: Int
    public let tagOpenings: Int
    public let letters: Int
    /// False for a checkpoint's excerpt written before its losses were recorded: the loss AUCs and means
    /// are then nil and every kept byte is measured.
    public let lossesRecorded: Bool
    public let nextLossAUC: Double?
    public let surprisalAUC: Double?
    /// Mean next-step loss in bits at digits, tag openings and letters.
    public let meanNextLoss: ByteKinds
    public let perLayer: [Layer]
    /// Every `BoundaryKind`, in its order.
    public let byKind: [Kind]

    init(_ signals: PonderSignals) {
        let measured = signals.measured()
        let kinds = measured.map { i in
            BoundaryKind.of(previous: i > 0 ? signals.bytes[i - 1] : TextScorer.before, current: signals.bytes[i])
        }
        let boundary = kinds.map { $0 != nil }
        let isDigit = measured.map { signals.classes[$0] == .digit }
        let isTag = measured.map { signals.bytes[$0] == UInt8(ascii: "<") }
        let isLetter = measured.map { signals.classes[$0] == .wordStart || signals.classes[$0] == .wordInside }
        func means(_ values: [Float]) -> ByteKinds {
            func mean(_ selected: [Bool]) -> Double? {
                var sum = 0.0, count = 0
                for i in values.indices where selected[i] {
                    sum += Double(values[i])
                    count += 1
                }
                return count == 0 ? nil : sum / Double(count)
            }
            return ByteKinds(digits: mean(isDigit), tagOpenings: mean(isTag), letters: mean(isLetter))
        }

        textBytes = signals.textBytes
        keptBytes = signals.count
        bytes = measured.count
        boundaries = boundary.filter { $0 }.count
        digits = isDigit.filter { $0 }.count
        tagOpenings = isTag.filter { $0 }.count
        letters = isLetter.filter { $0 }.count
        lossesRecorded = signals.hasLosses
        let nextLoss = signals.hasLosses ? measured.map { signals.bits[$0 + 1] } : nil
        let surprisal = signals.hasLosses ? measured.map { signals.bits[$0] } : nil
        let rho = (0..<signals.layers).map { l in measured.map { signals.rho[l][$0] } }
        let steps = (0..<signals.layers).map { l in measured.map { Float(signals.steps[l][$0]) } }
        /// The AUC of `scores` for the measured bytes where `positive` holds against those where `negative`
        /// does, every other byte left out.
        func area(_ scores: [Float]?, positive: (Int) -> Bool, negative: (Int) -> Bool) -> Double? {
            guard let scores else { return nil }
            let kept = scores.indices.filter { positive($0) || negative($0) }
            return ROCAUC.area(scores: kept.map { scores[$0] }, positive: kept.map(positive))
        }
        func isBoundary(_ j: Int) -> Bool { boundary[j] }
        func isNotBoundary(_ j: Int) -> Bool { !boundary[j] }

        nextLossAUC = area(nextLoss, positive: isBoundary, negative: isNotBoundary)
        surprisalAUC = area(surprisal, positive: isBoundary, negative: isNotBoundary)
        meanNextLoss = nextLoss.map(means) ?? ByteKinds(digits: nil, tagOpenings: nil, letters: nil)
        perLayer = (0..<signals.layers).map { l in
            Layer(layer: l + 1, rhoAUC: area(rho[l], positive: isBoundary, negative: isNotBoundary),
                  stepsAUC: area(steps[l], positive: isBoundary, negative: isNotBoundary), meanRho: means(rho[l]))
        }
        byKind = BoundaryKind.allCases.map { kind in
            func isKind(_ j: Int) -> Bool { kinds[j] == kind }
            return Kind(kind: kind, bytes: kinds.filter { $0 == kind }.count,
                        rhoAUC: rho.map { area($0, positive: isKind, negative: isNotBoundary) },
                        stepsAUC: steps.map { area($0, positive: isKind, negative: isNotBoundary) },
                        nextLossAUC: area(nextLoss, positive: isKind, negative: isNotBoundary),
                        surprisalAUC: area(surprisal, positive: isKind, negative: isNotBoundary))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(textBytes, forKey: .textBytes)
        try c.encode(keptBytes, forKey: .keptBytes)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(boundaries, forKey: .boundaries)
        try c.encode(digits, forKey: .digits)
        try c.encode(tagOpenings, forKey: .tagOpenings)
        try c.encode(letters, forKey: .letters)
        try c.encode(lossesRecorded, forKey: .lossesRecorded)
        try c.encode(nextLossAUC, forKey: .nextLossAuc)
        try c.encode(surprisalAUC, forKey: .surprisalAuc)
        try c.encode(meanNextLoss, forKey: .meanNextLoss)
        try c.encode(perLayer, forKey: .perLayer)
        try c.encode(byKind, forKey: .byBoundaryKind)
    }
    private enum CodingKeys: String, CodingKey {
        case textBytes, keptBytes, bytes, boundaries, digits, tagOpenings, letters, lossesRecorded, nextLossAuc,
             surprisalAuc, meanNextLoss, perLayer, byBoundaryKind
    }

    // MARK: Text

    /// Two small tables: the AUCs, then the means at digits, tag openings and letters.
    public var text: String {
        let columns = perLayer.map { "layer \($0.layer)" }
        func row(_ label: String, _ cells: [String]) -> String {
            (pad(label, 24) + cells.map { pad($0, 9, right: true) }.joined()).trimmingTrailingSpaces()
        }
        func auc(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 3) } ?? "–" }
        func mean(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 2) } ?? "–" }
        let notRecorded = "not recorded (this checkpoint's excerpt predates it)"

        var lines = ["Word boundaries (space, punctuation, sentence end, newline) against every other byte: ROC AUC of "
                     + "each signal", "over \(grouped(bytes)) bytes, \(grouped(boundaries)) of them boundaries"
                     + (keptBytes < textBytes ? " (the first \(grouped(keptBytes)) of \(grouped(textBytes)) bytes)" : "")
                     + "; 1 = higher at every boundary, 0.5 = no signal, – = undefined"]
        lines.append(row("", columns))
        lines.append(row("  ρ (ponder cost)", perLayer.map { auc($0.rhoAUC) }))
        lines.append(row("  N (ponder steps)", perLayer.map { auc($0.stepsAUC) }))
        lines.append(lossesRecorded ? row("  next-step loss", [auc(nextLossAUC)]) : pad("  next-step loss", 24) + notRecorded)
        lines.append(lossesRecorded ? row("  own surprisal", [auc(surprisalAUC)]) : pad("  own surprisal", 24) + notRecorded)
        lines.append("")
        lines.append("By kind of boundary, each against every non-boundary byte: ROC AUC of ρ per layer and of the next-step loss")
        lines.append(row("", ["bytes"] + perLayer.map { "ρ \($0.layer)" } + (lossesRecorded ? ["loss"] : [])))
        for kind in byKind {
            lines.append(row("  " + kind.kind.name, [grouped(kind.bytes)] + kind.rhoAUC.map(auc)
                             + (lossesRecorded ? [auc(kind.nextLossAUC)] : [])))
        }
        lines.append("")
        lines.append("Means at digits, tag openings '<' and letters")
        lines.append(row("", ["digits", "'<'", "letters"]))
        lines.append(row("  bytes", [grouped(digits), grouped(tagOpenings), grouped(letters)]))
        for layer in perLayer {
            lines.append(row("  ρ layer \(layer.layer)", [layer.meanRho.digits, layer.meanRho.tagOpenings,
                                                          layer.meanRho.letters].map(mean)))
        }
        if lossesRecorded {
            lines.append(row("  next-step loss, bits", [meanNextLoss.digits, meanNextLoss.tagOpenings,
                                                        meanNextLoss.letters].map(mean)))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
