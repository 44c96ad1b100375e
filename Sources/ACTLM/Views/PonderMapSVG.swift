/// The ponder map as a figure, in the spirit of Graves (2016)'s plot of ponder time on Wikipedia text:
/// the text runs along the x-axis in a monospace font, and above every character a bar per layer shows
/// ρ while reading it (layer 1 nearest the text, as the network is stacked), topped by a panel of the
/// character's surprise in bits, predicted from the text before it. Long texts wrap into several rows of
/// panels, at a space or newline where one is near the end of the line.
///
/// A figure is for looking at, so it shows a window of the text: the first `maxBytes` bytes. That window
/// is all it keeps; the rest of the text is only counted, and the figure says how much it left out.
/// The output is well-formed XML with its size set, so a browser opens it as it is.
public final class PonderMapSVG: PonderMapRenderer {
    public static let defaultMaxBytes = 1200
    public static let maxBytesLimit = 100_000

    private let sink: OutputSink
    private let layers: Int
    private let source: String
    private let maxBytes: Int
    private let columns: Int
    private let showsBits: Bool
    private var rows: [PonderMapRow] = []   // the window shown, at most maxBytes
    private var totalBytes: Int64 = 0

    // Layout, in pixels.
    private let charWidth = 9.0
    private let panelHeight = 52.0
    private let panelGap = 14.0
    private let textHeight = 24.0
    private let blockGap = 22.0
    private let left = 96.0
    private let right = 28.0
    private let top = 112.0

    public init(layers: Int, source: String, maxBytes: Int = PonderMapSVG.defaultMaxBytes,
                columns: Int = 100, showsBits: Bool = true, sink: OutputSink) throws {
        guard (1...Self.maxBytesLimit).contains(maxBytes) else {
            throw ViewError.invalidFigureSize("show between 1 and \(Self.maxBytesLimit) bytes, not \(maxBytes)")
        }
        guard (20...400).contains(columns) else {
            throw ViewError.invalidFigureSize("lines of 20 to 400 characters fit a figure, not \(columns)")
        }
        self.sink = sink
        self.layers = layers
        self.source = source
        self.maxBytes = maxBytes
        self.columns = columns
        self.showsBits = showsBits
        rows.reserveCapacity(min(maxBytes, 4096))
    }

    public func write(_ row: PonderMapRow) throws {
        precondition(row.layers == layers, "a row per layer of the model")
        totalBytes += 1
        if rows.count < maxBytes { rows.append(row) }
    }

    public func finish(summary: PonderMapSummary?) throws {
        let characters = groupCharacters()
        let lines = wrap(characters)
        let panels = layers + (showsBits ? 1 : 0)
        let blockHeight = Double(panels) * (panelHeight + panelGap) + textHeight
        let width = left + Double(columns) * charWidth + right
        let height = top + Double(max(lines.count, 1)) * (blockHeight + blockGap) + 48
        let scale = PonderColorScale(fitting: rows.flatMap { $0.rho })

        sink.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ")
        sink.write("width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" ")
        sink.write("font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\">\n")
        sink.write("<title>Ponder map: ")
        sink.writeXMLEscaped(source)
        sink.write("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
        writeHeader(scale: scale, width: width)

        let ranges = (0..<layers).map { l in axisRange(rows.map { Double($0.rho[l]) }, floorAtZero: false) }
        let bitsRange = axisRange(rows.compactMap { $0.bits.map(Double.init) }, floorAtZero: true)
        for (i, line) in lines.enumerated() {
            var y = top + Double(i) * (blockHeight + blockGap)
            if showsBits {
                writePanel(line, y: y, range: bitsRange, label: "surprise", unit: "bits") { row in
                    row.bits.map(Double.init)
                } fill: { _ in "#7d8fb3" }
                y += panelHeight + panelGap
            }
            for l in (0..<layers).reversed() {
                writePanel(line, y: y, range: ranges[l], label: "layer \(l + 1)", unit: "ρ") { row in
                    Double(row.rho[l])
                } fill: { row in PonderColorScale.color(level: scale.level(row.rho[l])).hex }
                y += panelHeight + panelGap
            }
            writeText(line, baseline: y + 15)
        }
        writeFooter(summary: summary, y: height - 40)
        sink.write("</svg>\n")
        try sink.flush()
    }

    // MARK: layout

    /// A character of the window: `count` rows from `start`.
    private struct Glyph {
        var start: Int
        var count: Int
        var valid: Bool
    }

    /// One line of the figure: glyphs whose rows sit in consecutive columns.
    private struct Line {
        var glyphs: [Glyph]
        var start: Int { glyphs.first?.start ?? 0 }
    }

    private func groupCharacters() -> [Glyph] {
        var grouping = UTF8Grouping()
        var glyphs: [Glyph] = []
        var next = 0
        let collect = { (group: [PonderMapRow], valid: Bool) in
            glyphs.append(Glyph(start: next, count: group.count, valid: valid))
            next += group.count
        }
        for row in rows { grouping.add(row, collect) }
        grouping.finish(collect)
        return glyphs
    }

    /// Fills lines up to `columns` bytes, breaking after the last space or newline in the final quarter
    /// of a full line when there is one, so words stay whole.
    private func wrap(_ glyphs: [Glyph]) -> [Line] {
        var lines: [Line] = []
        var current: [Glyph] = []
        var used = 0
        for glyph in glyphs {
            if used + glyph.count > columns {
                var cut = current.count
                if let i = current.lastIndex(where: { [0x20, 0x0A].contains(rows[$0.start].byte) }),
                   current[i].start - current[0].start >= columns * 3 / 4 {
                    cut = i + 1
                }
                lines.append(Line(glyphs: Array(current[..<cut])))
                current = Array(current[cut...])
                used = current.reduce(0) { $0 + $1.count }
            }
            current.append(glyph)
            used += glyph.count
        }
        if !current.isEmpty { lines.append(Line(glyphs: current)) }
        return lines
    }

    /// An axis from a round number at or below the data to one at or above it, with 2 to 4 ticks.
    private func axisRange(_ values: [Double], floorAtZero: Bool) -> (low: Double, high: Double, step: Double) {
        let finite = values.filter { $0.isFinite }
        var low = floorAtZero ? 0 : (finite.min() ?? 1).rounded(.down)
        var high = finite.max() ?? low + 1
        if high - low < 0.5 { high = low + 0.5 }
        let step = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100].first { (high - low) / $0 <= 3 } ?? 200
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        return (low, high, step)
    }

    // MARK: drawing

    private func writeHeader(scale: PonderColorScale, width: Double) {
        sink.write("<text x=\"\(Int(left))\" y=\"34\" font-size=\"20\" font-weight=\"600\" fill=\"#222\">Ponder map ")
        sink.write("<tspan font-weight=\"400\" fill=\"#777\">")
        sink.writeXMLEscaped(source)
        sink.write("</tspan></text>\n<text x=\"\(Int(left))\" y=\"56\" font-size=\"12.5\" fill=\"#555\">")
        sink.write("Bars: ρ = N + R, how long each layer pondered while reading the character below.</text>\n")
        sink.write("<text x=\"\(Int(left))\" y=\"73\" font-size=\"12.5\" fill=\"#555\">")
        sink.write("Top panel: how surprising that character was, −log₂ p, predicted from the text before it.")
        sink.write("</text>\n")
        if totalBytes > Int64(rows.count) {
            sink.write("<text x=\"\(Int(left))\" y=\"92\" font-size=\"12.5\" fill=\"#a33\">Showing the first ")
            sink.writeInt(Int64(rows.count))
            sink.write(" of ")
            sink.writeInt(totalBytes)
            sink.write(" bytes.</text>\n")
        }
        // Legend: the colour ramp, top right.
        let rampWidth = 10.0 * Double(PonderColorScale.levels)
        let x0 = width - right - rampWidth
        sink.write("<g font-size=\"11\" fill=\"#444\">\n<text x=\"\(fmt(x0))\" y=\"30\">bar colour: ρ</text>\n")
        for level in 0..<PonderColorScale.levels {
            sink.write("<rect x=\"\(fmt(x0 + 10 * Double(level)))\" y=\"38\" width=\"10\" height=\"10\" ")
            sink.write("fill=\"\(PonderColorScale.color(level: level).hex)\"/>\n")
        }
        sink.write("<text x=\"\(fmt(x0))\" y=\"62\">")
        sink.writeFixed(Double(scale.lower), decimals: 2)
        sink.write("</text>\n<text x=\"\(fmt(x0 + rampWidth))\" y=\"62\" text-anchor=\"end\">")
        sink.writeFixed(Double(scale.upper), decimals: 2)
        sink.write("</text>\n</g>\n")
    }

    private func writePanel(_ line: Line, y: Double, range: (low: Double, high: Double, step: Double),
                            label: String, unit: String, value: (PonderMapRow) -> Double?,
                            fill: (PonderMapRow) -> String) {
        let panelWidth = Double(columns) * charWidth
        let bottom = y + panelHeight
        sink.write("<g>\n<rect x=\"\(fmt(left))\" y=\"\(fmt(y))\" width=\"\(fmt(panelWidth))\" ")
        sink.write("height=\"\(fmt(panelHeight))\" fill=\"#f7f7f7\"/>\n")
        // Grid lines and tick labels.
        var tick = range.low
        while tick <= range.high + 1e-9 {
            let ty = bottom - (tick - range.low) / (range.high - range.low) * panelHeight
            sink.write("<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + panelWidth))\" y1=\"\(fmt(ty))\" ")
            sink.write("y2=\"\(fmt(ty))\" stroke=\"#e2e2e2\" stroke-width=\"1\"/>\n")
            sink.write("<text class=\"tick\" x=\"\(fmt(left - 5))\" y=\"\(fmt(ty + 3.5))\" ")
            sink.write("font-size=\"9.5\" fill=\"#888\" text-anchor=\"end\">")
            sink.writeFixed(tick, decimals: range.step < 0.5 ? 2 : range.step < 1 ? 1 : 0)
            sink.write("</text>\n")
            tick += range.step
        }
        sink.write("<text x=\"10\" y=\"\(fmt(y + panelHeight / 2 - 1))\" font-size=\"11.5\" fill=\"#333\">")
        sink.writeXMLEscaped(label)
        sink.write("</text>\n<text x=\"10\" y=\"\(fmt(y + panelHeight / 2 + 13))\" font-size=\"10.5\" ")
        sink.write("fill=\"#888\">")
        sink.writeXMLEscaped(unit)
        sink.write("</text>\n")
        // One bar per byte.
        var column = 0
        for glyph in line.glyphs {
            for i in glyph.start..<(glyph.start + glyph.count) {
                defer { column += 1 }
                guard let v = value(rows[i]), v.isFinite else { continue }
                let h = min(max((v - range.low) / (range.high - range.low), 0), 1) * panelHeight
                sink.write("<rect x=\"\(fmt(left + Double(column) * charWidth + 1))\" y=\"\(fmt(bottom - h))\" ")
                sink.write("width=\"\(fmt(charWidth - 2))\" height=\"\(fmt(h))\" fill=\"\(fill(rows[i]))\"/>\n")
            }
        }
        sink.write("<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + panelWidth))\" y1=\"\(fmt(bottom))\" ")
        sink.write("y2=\"\(fmt(bottom))\" stroke=\"#999\" stroke-width=\"1\"/>\n</g>\n")
    }

    private func writeText(_ line: Line, baseline: Double) {
        sink.write("<text class=\"offset\" x=\"\(fmt(left - 5))\" y=\"\(fmt(baseline))\" ")
        sink.write("font-size=\"9.5\" fill=\"#888\" text-anchor=\"end\">")
        if !line.glyphs.isEmpty { sink.writeInt(rows[line.start].offset) }
        sink.write("</text>\n<g font-family=\"'DejaVu Sans Mono', Menlo, Consolas, monospace\" font-size=\"14\" ")
        sink.write("text-anchor=\"middle\" fill=\"#1a1a1a\">\n")
        var column = 0
        for glyph in line.glyphs {
            defer { column += glyph.count }
            let group = Array(rows[glyph.start..<(glyph.start + glyph.count)])
            let x = left + (Double(column) + Double(glyph.count) / 2) * charWidth
            let symbol: String?
            switch group[0].byte {
            case 0x20: continue
            case 0x0A: symbol = "↵"
            case 0x09: symbol = "⇥"
            case 0x0D: symbol = "␍"
            default: symbol = nil
            }
            sink.write("<text x=\"\(fmt(x))\" y=\"\(fmt(baseline))\"")
            if let symbol {
                sink.write(" fill=\"#aaa\">\(symbol)</text>\n")
            } else {
                sink.write(">")
                sink.writeXMLCharacter(group, valid: glyph.valid)
                sink.write("</text>\n")
            }
        }
        sink.write("</g>\n")
    }

    private func writeFooter(summary: PonderMapSummary?, y: Double) {
        sink.write("<g font-size=\"12\" fill=\"#555\">\n<text x=\"\(Int(left))\" y=\"\(fmt(y))\">")
        sink.write("Text along the x-axis; the byte offset of each line at its left.</text>\n")
        if let s = summary {
            sink.write("<text x=\"\(Int(left))\" y=\"\(fmt(y + 18))\">Bits per character ")
            sink.writeFixed(s.bitsPerCharacter, decimals: 3, missing: "—")
            sink.write(" · ponder at word boundaries / inside words: ")
            sink.writeLayerRatios(s.boundaryToInsideRatio)
            sink.write("</text>\n")
        }
        sink.write("</g>\n")
    }

    private func fmt(_ x: Double) -> String { formatFixed(x, decimals: 1) }
}
