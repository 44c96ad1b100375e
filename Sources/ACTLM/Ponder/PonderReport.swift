import Foundation

/// Ponder statistics made for people: a table of mean ρ by character class and layer, the
/// boundary-to-inside ratio with a one-line verdict per layer, the histogram of N as text bars and the
/// bytes pondered longest. The one place that turns `PonderStats` into text or JSON, shared by every
/// command that shows it. Layers are numbered from 1 here, as people count them.
public struct PonderReport: Encodable, Sendable {
    public struct ClassRow: Encodable, Sendable {
        public let key: String
        public let name: String
        public let count: UInt64
        /// Fraction of all bytes in this class.
        public let share: Double
        /// Per layer; nil where the class never occurred.
        public let meanRho: [Double?]
        public let meanSteps: [Double?]
    }

    public struct LayerSummary: Encodable, Sendable {
        public let layer: Int
        public let bytes: UInt64
        public let meanRho: Double?
        public let meanSteps: Double?
        public let boundaryRho: Double?
        public let insideRho: Double?
        public let boundaryToInsideRatio: Double?
        /// Mean ponder steps N at word boundaries and inside words: the computation spent, which ρ = N + R
        /// counts only by weight (a step taken just below the halting threshold adds R ≈ ε to ρ).
        public let boundarySteps: Double?
        public let insideSteps: Double?
        public let verdict: String
        /// Bytes that took N = 1...M steps, at index N − 1.
        public let stepHistogram: [UInt64]
    }

    public struct ByteRow: Encodable, Sendable {
        public let byte: Int
        /// The byte as a person reads it: 'a', '\n', 0xC3.
        public let shown: String
        public let count: UInt64
        public let meanRho: [Double?]
        public let meanSteps: [Double?]
    }

    public let layers: Int
    /// M, or under the fixed control K, the steps every byte takes.
    public let maxPonder: Int
    public let ponder: PonderMode
    public let bytes: UInt64
    public let classes: [ClassRow]
    public let perLayer: [LayerSummary]
    /// Ranked by ρ summed over layers, among bytes seen at least `minimumByteCount` times.
    public let topBytes: [ByteRow]
    public let minimumByteCount: UInt64

    /// `ponder`: the model's mode, so that a fixed control reads as K fixed steps, not as M.
    public init(_ stats: PonderStats, ponder: PonderMode = .adaptive, topBytes topCount: Int = 10,
                minimumByteCount: UInt64 = 10) {
        let layerIndices = 0..<stats.layers
        layers = stats.layers
        maxPonder = stats.maxPonder
        self.ponder = ponder
        // Every layer sees the same bytes; shares come from the first.
        bytes = stats.count(layer: 0)
        let total = bytes
        classes = CharacterClass.allCases.map { c in
            let count = stats.count(layer: 0, class: c)
            return ClassRow(key: c.key, name: c.name, count: count,
                            share: total == 0 ? 0 : Double(count) / Double(total),
                            meanRho: layerIndices.map { stats.meanRho(layer: $0, class: c) },
                            meanSteps: layerIndices.map { stats.meanSteps(layer: $0, class: c) })
        }
        perLayer = layerIndices.map { l in
            let ratio = stats.boundaryToInsideRatio(layer: l)
            return LayerSummary(layer: l + 1, bytes: stats.count(layer: l), meanRho: stats.meanRho(layer: l),
                                meanSteps: stats.meanSteps(layer: l),
                                boundaryRho: stats.meanRho(layer: l, classes: CharacterClass.wordBoundary),
                                insideRho: stats.meanRho(layer: l, class: .wordInside),
                                boundaryToInsideRatio: ratio,
                                boundarySteps: stats.meanSteps(layer: l, classes: CharacterClass.wordBoundary),
                                insideSteps: stats.meanSteps(layer: l, class: .wordInside),
                                verdict: PonderReport.verdict(ratio: ratio, maxPonder: stats.maxPonder, ponder: ponder),
                                stepHistogram: stats.stepHistogram(layer: l))
        }
        self.minimumByteCount = minimumByteCount
        let candidates = (0..<256).map(UInt8.init).filter { byte in
            stats.count(layer: 0, byte: byte) >= max(minimumByteCount, 1)
        }
        func totalRho(_ byte: UInt8) -> Double {
            layerIndices.reduce(0) { $0 + (stats.meanRho(layer: $1, byte: byte) ?? 0) }
        }
        let ranked = candidates.map { ($0, totalRho($0)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        topBytes = ranked.prefix(topCount).map { byte, _ in
            ByteRow(byte: Int(byte), shown: PonderReport.shown(byte), count: stats.count(layer: 0, byte: byte),
                    meanRho: layerIndices.map { stats.meanRho(layer: $0, byte: byte) },
                    meanSteps: layerIndices.map { stats.meanSteps(layer: $0, byte: byte) })
        }
    }

    /// What a boundary-to-inside ratio says, in one line.
    public static func verdict(ratio: Double?, maxPonder: Int, ponder: PonderMode = .adaptive) -> String {
        if ponder == .fixed { return "no pondering to compare (every byte takes K = \(maxPonder) fixed steps)" }
        if maxPonder == 1 { return "no pondering to compare (M = 1: a plain LSTM layer)" }
        guard let ratio else { return "too little text to compare word boundaries with word insides" }
        let percent = Int(((ratio - 1) * 100).rounded())
        if ratio >= 1.05 { return "ponders more at word boundaries: +\(percent)% over inside words" }
        if ratio <= 0.95 { return "ponders less at word boundaries: \(percent)% against inside words" }
        return "ponders about the same at word boundaries and inside words (\(percent >= 0 ? "+" : "")\(percent)%)"
    }

    // MARK: Text

    /// The whole report as a few small text tables.
    public var text: String {
        var lines: [String] = []
        let layerNames = (1...layers).map { "L\($0)" }
        lines.append("Where the model ponders: \(grouped(bytes)) bytes, \(layers) "
                     + "layer\(layers == 1 ? "" : "s"), "
                     + (ponder == .fixed ? "K = \(maxPonder) fixed steps per byte" : "M = \(maxPonder)"))
        lines.append("")

        lines.append("Mean ponder cost ρ = N + R by character class")
        lines.append(pad("class", 14) + pad("share", 8, right: true) + layerNames.map { pad("ρ " + $0, 8, right: true) }.joined())
        for row in classes {
            lines.append(pad(row.name, 14) + pad(PonderReport.percent(row.share), 8, right: true)
                         + row.meanRho.map { pad(PonderReport.fixed($0), 8, right: true) }.joined())
        }
        lines.append(pad("all", 14) + pad(PonderReport.percent(bytes == 0 ? 0 : 1), 8, right: true)
                     + perLayer.map { pad(PonderReport.fixed($0.meanRho), 8, right: true) }.joined())
        lines.append("")

        let boundaryNames = CharacterClass.wordBoundary.map(\.name).joined(separator: ", ")
        lines.append("Word boundaries (\(boundaryNames); not a gap space) against inside words, ratio of mean ρ")
        for summary in perLayer {
            lines.append("  layer \(summary.layer)  "
                         + pad(PonderReport.fixed(summary.boundaryToInsideRatio), 5, right: true)
                         + "  \(summary.verdict)")
        }
        lines.append("")

        lines.append("Ponder steps N, share of bytes")
        let barWidth = max(8, 40 / layers)
        let columnWidth = barWidth + 8
        lines.append(pad("  N", 9) + layerNames.map { pad("layer " + $0.dropFirst(), columnWidth) }
            .joined(separator: "  ").trimmingTrailingSpaces())
        for bucket in histogramBuckets() {
            let label = bucket.count == 1 ? "\(bucket.lowerBound)" : "\(bucket.lowerBound)-\(bucket.upperBound)"
            let cells = perLayer.map { summary -> String in
                let total = summary.stepHistogram.reduce(0, +)
                let count = bucket.reduce(UInt64(0)) { $0 + summary.stepHistogram[$1 - 1] }
                let share = total == 0 ? 0 : Double(count) / Double(total)
                return pad(PonderReport.percent(share), 7, right: true) + " "
                    + pad(PonderReport.bar(share, width: barWidth), barWidth)
            }
            lines.append(pad("  " + label, 9) + cells.joined(separator: "  ").trimmingTrailingSpaces())
        }

        if !topBytes.isEmpty {
            lines.append("")
            lines.append("Bytes with the highest mean ρ (summed over layers; bytes seen at least "
                         + "\(grouped(minimumByteCount)) time\(minimumByteCount == 1 ? "" : "s"))")
            lines.append(pad("  byte", 10) + pad("count", 12, right: true)
                         + layerNames.map { pad("ρ " + $0, 8, right: true) }.joined())
            for row in topBytes {
                lines.append(pad("  " + row.shown, 10) + pad(grouped(row.count), 12, right: true)
                             + row.meanRho.map { pad(PonderReport.fixed($0), 8, right: true) }.joined())
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// N = 1…8 one by one, then doubling ranges (9-16, 17-32, …), up to the largest N that occurred.
    func histogramBuckets() -> [ClosedRange<Int>] {
        var largest = 1
        for summary in perLayer {
            if let last = summary.stepHistogram.lastIndex(where: { $0 > 0 }) { largest = max(largest, last + 1) }
        }
        var buckets: [ClosedRange<Int>] = []
        var low = 1
        while low <= largest {
            let high = low <= 8 ? low : min(2 * (low - 1), maxPonder)
            buckets.append(low...high)
            low = high + 1
        }
        return buckets
    }

    // MARK: JSON

    /// The report as JSON (snake_case keys, sorted, nulls where a class never occurred).
    public func json(pretty: Bool = true) throws -> String {
        try JSONOutput.string(self, pretty: pretty)
    }

    // MARK: Ponder trace

    /// A trace as text: each line of the excerpt (bytes shown one per column) above one row of N digits
    /// per layer, so the extra steps at spaces and word starts line up under them.
    public static func traceText(_ trace: PonderTrace, width: Int = 80) -> String {
        let width = max(width, 8)
        var lines = ["Ponder steps N per byte of the excerpt (+ for 10 or more; ↵ newline, · other bytes)"]
        var start = 0
        while start < trace.text.count {
            let end = min(start + width, trace.text.count)
            lines.append("")
            lines.append("      " + String(trace.text[start..<end].map(traceCharacter)))
            for layer in 0..<trace.layers {
                let row = trace.steps(layer: layer)
                let digits = row[row.startIndex + start..<row.startIndex + end].map { n -> Character in
                    n >= 10 ? "+" : n <= 0 ? "?" : Character("\(n)")
                }
                lines.append(pad("L\(layer + 1)", 6) + String(digits))
            }
            start = end
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func traceCharacter(_ byte: UInt8) -> Character {
        switch byte {
        case 0x0A: return "↵"
        case 0x09: return "→"
        case 0x20...0x7E: return Character(Unicode.Scalar(byte))
        default: return "·"
        }
    }

    // MARK: Formatting

    static func shown(_ byte: UInt8) -> String {
        switch byte {
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }

    static func fixed(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.2f", value)
    }

    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }


    /// A horizontal bar of `share` × `width` cells, in eighths of a cell.
    public static func bar(_ share: Double, width: Int) -> String {
        let eighths = Int((min(max(share, 0), 1) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        return String(repeating: "█", count: eighths / 8) + partial
    }
}
