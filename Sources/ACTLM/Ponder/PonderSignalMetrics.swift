/// How well each layer's ponder marks the structure of a text, beside what the model's losses and its
/// predictive entropy mark on the same bytes (the paper's claim: ACT ponders at word boundaries more
/// reliably than the loss rises there, and does not ponder on unpredictable spans such as numbers).
/// Computed in one place from `PonderSignals`; `eval`, `inspect`, the run report and `make experiment`
/// all show these numbers.
///
/// Definitions, at byte x_t of a text, aligned as the scorer and ponder maps align them:
/// - ρ_t and N_t: the ponder of each layer while reading x_t, before predicting x_{t+1}.
/// - next-step loss: −log2 p(x_{t+1} | x_≤t), the loss of the prediction made at the same step as ρ_t.
/// - own surprisal: −log2 p(x_t | x_<t), how unexpected x_t was (the ponder map's `bits` column).
/// - predictive entropy: −Σ_v p(v | x_≤t) log2 p(v | x_≤t), the entropy of the same distribution as the
///   next-step loss (the signal the Byte Latent Transformer places patch boundaries by).
/// - word boundary: `CharacterClass.isWordBoundary`: a space or tab after text, punctuation, a sentence
///   end or a newline. A gap space (a space or tab after a space, tab or newline: indentation, aligned
///   columns) is not one; it is a negative with letters, digits, markup and control bytes.
/// - measured bytes: every byte whose own surprisal and next-step loss are both known, i.e. all but the
///   text's first and last; every measure and mean below is over these same bytes.
/// - per signal (`BoundaryDetection`): the ROC AUC, the average precision, and precision, recall and F1
///   where the signal marks its top k bytes, k = the number of boundaries (ties by position, earliest
///   first); nil when the measured bytes lack boundaries or other bytes.
/// - by kind (`BoundaryKind`): the AUC of each kind's bytes against every non-boundary byte, the other
///   kinds left out; for gap spaces, against the non-boundary bytes that are not gap spaces (what the
///   model does in indentation, read as though it were a boundary).
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
        public let rho: BoundaryDetection
        public let steps: BoundaryDetection
        public let meanRho: ByteKinds

        public var rhoAUC: Double? { rho.auc }
        public var stepsAUC: Double? { steps.auc }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: MetricKey.self)
            try c.encode(layer, forKey: MetricKey("layer"))
            try c.encode(rho, as: "rho")
            try c.encode(steps, as: "steps")
            try c.encode(meanRho, forKey: MetricKey("meanRho"))
        }
    }

    /// The AUCs of one kind of byte (`BoundaryKind`) against the non-boundary bytes.
    public struct Kind: Encodable, Sendable {
        public let kind: BoundaryKind
        /// Measured bytes of this kind.
        public let bytes: Int
        /// Per layer.
        public let rhoAUC: [Double?]
        public let stepsAUC: [Double?]
        public let nextLossAUC: Double?
        public let surprisalAUC: Double?
        public let entropyAUC: Double?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind.key, forKey: .kind)
            try c.encode(kind.name, forKey: .name)
            try c.encode(kind.isWordBoundary, forKey: .isBoundary)
            try c.encode(bytes, forKey: .bytes)
            try c.encode(rhoAUC, forKey: .rhoAuc)
            try c.encode(stepsAUC, forKey: .stepsAuc)
            try c.encode(nextLossAUC, forKey: .nextLossAuc)
            try c.encode(surprisalAUC, forKey: .surprisalAuc)
            try c.encode(entropyAUC, forKey: .entropyAuc)
        }
        private enum CodingKeys: String, CodingKey {
            case kind, name, isBoundary, bytes, rhoAuc, stepsAuc, nextLossAuc, surprisalAuc, entropyAuc
        }
    }

    /// Bytes of the text seen, and the first of them kept (`PonderSignals.capacity`).
    public let textBytes: Int64
    public let keptBytes: Int
    /// Bytes measured, and how many of them are word boundaries (also the k of every top-k point).
    public let bytes: Int
    public let boundaries: Int
    /// Measured digits, tag openings and letters.
    public let digits: Int
    public let tagOpenings: Int
    public let letters: Int
    /// False for a checkpoint's excerpt written before its losses were recorded: the loss measures and
    /// means are then nil and every kept byte is measured.
    public let lossesRecorded: Bool
    /// False where the source kept no entropy (a checkpoint's excerpt written before it was): the entropy
    /// measures are then nil.
    public let entropyRecorded: Bool
    public let nextLoss: BoundaryDetection
    public let surprisal: BoundaryDetection
    public let entropy: BoundaryDetection
    /// Mean next-step loss in bits at digits, tag openings and letters.
    public let meanNextLoss: ByteKinds
    public let perLayer: [Layer]
    /// Every `BoundaryKind`, in its order.
    public let byKind: [Kind]

    public var nextLossAUC: Double? { nextLoss.auc }
    public var surprisalAUC: Double? { surprisal.auc }

    init(_ signals: PonderSignals) {
        let measured = signals.measured()
        let kinds = measured.map { i in
            BoundaryKind.of(previous: i > 0 ? signals.bytes[i - 1] : TextScorer.before, current: signals.bytes[i])
        }
        let boundary = measured.map { signals.classes[$0].isWordBoundary }
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
        let entropy = signals.hasLosses ? measured.map { signals.entropy[$0] } : nil
        let hasEntropy = !measured.isEmpty && entropy?.allSatisfy(\.isFinite) == true
        entropyRecorded = hasEntropy
        let rho = (0..<signals.layers).map { l in measured.map { signals.rho[l][$0] } }
        let steps = (0..<signals.layers).map { l in measured.map { Float(signals.steps[l][$0]) } }
        func detection(_ scores: [Float]?) -> BoundaryDetection {
            scores.map { BoundaryDetection(scores: $0, positive: boundary) } ?? .unrecorded
        }
        /// The AUC of `scores` for the measured bytes where `positive` holds against those where `negative`
        /// does, every other byte left out.
        func area(_ scores: [Float]?, positive: (Int) -> Bool, negative: (Int) -> Bool) -> Double? {
            guard let scores else { return nil }
            let kept = scores.indices.filter { positive($0) || negative($0) }
            return ROCAUC.area(scores: kept.map { scores[$0] }, positive: kept.map(positive))
        }

        self.nextLoss = detection(nextLoss)
        self.surprisal = detection(surprisal)
        self.entropy = hasEntropy ? detection(entropy) : .unrecorded
        meanNextLoss = nextLoss.map(means) ?? ByteKinds(digits: nil, tagOpenings: nil, letters: nil)
        perLayer = (0..<signals.layers).map { l in
            Layer(layer: l + 1, rho: detection(rho[l]), steps: detection(steps[l]), meanRho: means(rho[l]))
        }
        byKind = BoundaryKind.allCases.map { kind in
            func isKind(_ j: Int) -> Bool { kinds[j] == kind }
            // Boundaries against every non-boundary byte; gap spaces (non-boundaries themselves) against
            // the others.
            func isNegative(_ j: Int) -> Bool { !boundary[j] && kinds[j] != kind }
            return Kind(kind: kind, bytes: kinds.filter { $0 == kind }.count,
                        rhoAUC: rho.map { area($0, positive: isKind, negative: isNegative) },
                        stepsAUC: steps.map { area($0, positive: isKind, negative: isNegative) },
                        nextLossAUC: area(nextLoss, positive: isKind, negative: isNegative),
                        surprisalAUC: area(surprisal, positive: isKind, negative: isNegative),
                        entropyAUC: hasEntropy ? area(entropy, positive: isKind, negative: isNegative) : nil)
        }
    }

    /// The JSON keys: those of earlier versions (rho_auc, next_loss_auc, …) unchanged, and beside each
    /// signal's AUC its `<signal>_average_precision`, `_precision`, `_recall` and `_f1`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: MetricKey.self)
        try c.encode(textBytes, forKey: MetricKey("textBytes"))
        try c.encode(keptBytes, forKey: MetricKey("keptBytes"))
        try c.encode(bytes, forKey: MetricKey("bytes"))
        try c.encode(boundaries, forKey: MetricKey("boundaries"))
        try c.encode(digits, forKey: MetricKey("digits"))
        try c.encode(tagOpenings, forKey: MetricKey("tagOpenings"))
        try c.encode(letters, forKey: MetricKey("letters"))
        try c.encode(lossesRecorded, forKey: MetricKey("lossesRecorded"))
        try c.encode(entropyRecorded, forKey: MetricKey("entropyRecorded"))
        try c.encode(nextLoss, as: "nextLoss")
        try c.encode(surprisal, as: "surprisal")
        try c.encode(entropy, as: "entropy")
        try c.encode(meanNextLoss, forKey: MetricKey("meanNextLoss"))
        try c.encode(perLayer, forKey: MetricKey("perLayer"))
        try c.encode(byKind, forKey: MetricKey("byBoundaryKind"))
    }

    // MARK: Text

    /// Three small tables: each signal's AUC, AP and F1; the AUCs by kind of boundary; the means at
    /// digits, tag openings and letters.
    public var text: String {
        func row(_ label: String, _ cells: [String]) -> String {
            (pad(label, 24) + cells.map { pad($0, 9, right: true) }.joined()).trimmingTrailingSpaces()
        }
        func measure(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 3) } ?? "–" }
        func mean(_ x: Double?) -> String { x.map { formatFixed($0, decimals: 2) } ?? "–" }
        func detection(_ label: String, _ d: BoundaryDetection, recorded: Bool = true) -> String {
            recorded ? row(label, [d.auc, d.averagePrecision, d.f1].map(measure))
                     : pad(label, 24) + "not recorded (this checkpoint's excerpt predates it)"
        }
        let share = bytes == 0 ? nil : Double(boundaries) / Double(bytes)

        var lines = ["Word boundaries against every other byte, over \(grouped(bytes)) bytes, \(grouped(boundaries)) of "
                     + "them boundaries" + (share.map { " (\(formatFixed($0 * 100, decimals: 1))%)" } ?? "")
                     + (keptBytes < textBytes ? ", the first \(grouped(keptBytes)) of \(grouped(textBytes)) bytes" : ""),
                     "(a space after text, punctuation, sentence end, newline; a gap space, after a space, tab or "
                     + "newline, is not one)",
                     "AUC: ROC AUC (0.5 = no signal); AP: average precision (no signal ≈ \(measure(share)));",
                     "F1 at the top \(grouped(boundaries)) bytes (there precision = recall = F1); 1 = perfect, – = undefined"]
        lines.append(row("", ["AUC", "AP", "F1"]))
        for layer in perLayer { lines.append(detection("  ρ layer \(layer.layer)", layer.rho)) }
        for layer in perLayer { lines.append(detection("  N layer \(layer.layer)", layer.steps)) }
        lines.append(detection("  next-step loss", nextLoss, recorded: lossesRecorded))
        lines.append(detection("  own surprisal", surprisal, recorded: lossesRecorded))
        lines.append(detection("  predictive entropy", entropy, recorded: entropyRecorded))
        lines.append("")
        lines.append("By kind, each against every non-boundary byte (gap spaces against the other non-boundary "
                     + "bytes): ROC AUC of ρ per layer" + (lossesRecorded ? ", the next-step loss" : "")
                     + (entropyRecorded ? " and the entropy" : ""))
        lines.append(row("", ["bytes"] + perLayer.map { "ρ \($0.layer)" } + (lossesRecorded ? ["loss"] : [])
                         + (entropyRecorded ? ["entropy"] : [])))
        for kind in byKind {
            lines.append(row("  " + kind.kind.name, [grouped(kind.bytes)] + kind.rhoAUC.map(measure)
                             + (lossesRecorded ? [measure(kind.nextLossAUC)] : [])
                             + (entropyRecorded ? [measure(kind.entropyAUC)] : [])))
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

/// A JSON key made from its name (converted to snake_case by `JSONOutput`).
fileprivate struct MetricKey: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

fileprivate extension KeyedEncodingContainer where K == MetricKey {
    /// A signal's measures as `<signal>Auc`, `<signal>AveragePrecision`, `<signal>Precision`,
    /// `<signal>Recall` and `<signal>F1` (null where undefined).
    mutating func encode(_ d: BoundaryDetection, as signal: String) throws {
        try encode(d.auc, forKey: MetricKey(signal + "Auc"))
        try encode(d.averagePrecision, forKey: MetricKey(signal + "AveragePrecision"))
        try encode(d.precision, forKey: MetricKey(signal + "Precision"))
        try encode(d.recall, forKey: MetricKey(signal + "Recall"))
        try encode(d.f1, forKey: MetricKey(signal + "F1"))
    }
}
