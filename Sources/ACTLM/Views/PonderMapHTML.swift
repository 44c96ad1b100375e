/// The ponder map as one self-contained HTML page (inline CSS, no scripts, no external files): the text
/// with every character on a background coloured by ponder, hover details per character, a legend,
/// and a summary table. The page is well-formed XML (XHTML syntax, every character escaped or replaced
/// by a visible stand-in), so XML tools can read it too.
///
/// Hover details, per byte: its offset, its surprise in bits (predicted from the bytes before it; none
/// for the first byte) and ρ and N of every layer while reading it. The summary arrives last but is
/// shown above the text (CSS `order`), so the page streams in constant memory.
///
/// `embedded` writes the same map as a `<section class="ponder-map">` for a page that includes
/// `PonderMapHTML.styleSheet` in its own head (the run report does).
public final class PonderMapHTML: PonderMapRenderer {
    private let sink: OutputSink
    private let layers: Int
    private let layer: PonderLayer
    private let scale: PonderColorScale
    private let embedded: Bool
    private var grouping = UTF8Grouping()

    public init(layers: Int, layer: PonderLayer = .sum, scale: PonderColorScale, source: String,
                embedded: Bool = false, sink: OutputSink) throws {
        self.sink = sink
        self.layers = layers
        self.layer = try layer.validated(layers: layers)
        self.scale = scale
        self.embedded = embedded
        writeHead(source: source)
    }

    public func write(_ row: PonderMapRow) throws {
        precondition(row.layers == layers, "a row per layer of the model")
        grouping.add(row, writeCharacter)
        try sink.check()
    }

    public func finish(summary: PonderMapSummary?) throws {
        grouping.finish(writeCharacter)
        sink.write("</pre>\n")
        if let summary { writeSummary(summary) }
        sink.write(embedded ? "</section>\n" : "</div>\n</body>\n</html>\n")
        try sink.flush()
    }

    // MARK: parts of the page

    /// The rules a page that embeds ponder maps needs, all under `.ponder-map`; no "<" or "&" in them,
    /// so the style sheet is valid XML text as it stands.
    public static var styleSheet: String {
        css + (0..<PonderColorScale.levels).map { level in
            ".ponder-map .h\(level){background:\(PonderColorScale.color(level: level).hex);"
                + "color:\(PonderColorScale.textColor(level: level).hex)}\n"
        }.joined()
    }

    private func writeHead(source: String) {
        if embedded {
            sink.write("<section class=\"ponder-map\">\n<header>\n<h3 class=\"title\">Ponder map <span class=\"source\">")
        } else {
            sink.write("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                       + "<meta charset=\"utf-8\"/>\n"
                       + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                       + "<title>Ponder map: ")
            sink.writeXMLEscaped(source)
            sink.write("</title>\n<style>\n")
            sink.write(Self.pageCSS + Self.styleSheet)
            sink.write("</style>\n</head>\n<body>\n<div class=\"ponder-map\">\n<header>\n"
                       + "<h1 class=\"title\">Ponder map <span class=\"source\">")
        }
        sink.writeXMLEscaped(source)
        sink.write(embedded ? "</span></h3>\n" : "</span></h1>\n")
        sink.write("<p class=\"note\">Each character is coloured by how long the model "
                   + "pondered while reading it: ")
        sink.writeXMLEscaped(layer.label)
        sink.write(", where ρ = N + R counts the ponder steps N plus the remainder R. Hover over a "
                   + "character for its surprise in bits (how unexpected it was from the text before it) "
                   + "and the ponder of every layer.</p>\n<div class=\"legend\"><span>")
        sink.writeXMLEscaped(layer.label)
        sink.write("</span><span class=\"tick\">")
        sink.writeFixed(Double(scale.lower), decimals: 2)
        sink.write("</span><span class=\"ramp\">")
        for level in 0..<PonderColorScale.levels {
            sink.write("<i class=\"h\(level)\" title=\"")
            sink.writeFixed(Double(scale.value(atLevel: level)), decimals: 2)
            sink.write("\"></i>")
        }
        sink.write("</span><span class=\"tick\">")
        sink.writeFixed(Double(scale.upper), decimals: 2)
        sink.write("</span><span class=\"hint\">little ponder → long ponder</span></div>\n</header>\n")
        sink.write("<pre class=\"text\">")
    }

    private func writeCharacter(_ rows: [PonderMapRow], valid: Bool) {
        var value = layer.value(rows[0])
        for row in rows.dropFirst() { value = max(value, layer.value(row)) }
        sink.write("<span class=\"h\(scale.level(value))\" title=\"")
        if rows.count > 1, let scalar = decodeUTF8(rows) {
            sink.write("U+")
            let hex = String(scalar.value, radix: 16, uppercase: true)
            sink.write(String(repeating: "0", count: max(0, 4 - hex.count)) + hex + " ")
            sink.writeXMLScalar(scalar)
            sink.write("&#10;")
        }
        for (i, row) in rows.enumerated() {
            if i > 0 { sink.write("&#10;") }
            writeDetails(row, showsCharacter: rows.count == 1)
        }
        sink.write("\">")
        switch rows[0].byte {
        case 0x0A: sink.write("↵</span>\n")
            return
        case 0x0D: sink.write("␍")
        default: sink.writeXMLCharacter(rows, valid: valid)
        }
        sink.write("</span>")
    }

    /// "'a' · offset 12 · 2.31 bits · ρ 1.23 / 2.10 · N 1 / 2"
    private func writeDetails(_ row: PonderMapRow, showsCharacter: Bool) {
        if showsCharacter && (0x21...0x7E).contains(row.byte) {
            sink.write("&#39;")
            sink.writeXMLScalar(Unicode.Scalar(row.byte))
            sink.write("&#39; · ")
        } else {
            sink.write("0x")
            sink.writeHexByte(row.byte)
            sink.write(" · ")
        }
        sink.write("offset ")
        sink.writeInt(row.offset)
        sink.write(" · ")
        if let bits = row.bits, bits.isFinite {
            sink.writeFixed(Double(bits), decimals: 2)
            sink.write(" bits")
        } else {
            sink.write("— bits (first byte)")
        }
        sink.write(" · ρ ")
        for (l, rho) in row.rho.enumerated() {
            if l > 0 { sink.write(" / ") }
            sink.writeFixed(Double(rho), decimals: 2)
        }
        sink.write(" · N ")
        for (l, n) in row.steps.enumerated() {
            if l > 0 { sink.write(" / ") }
            sink.writeInt(Int64(n))
        }
    }

    private func writeSummary(_ s: PonderMapSummary) {
        sink.write("<section class=\"summary\">\n<table>\n<thead><tr><th>character class</th><th>bytes</th>")
        for l in 0..<s.layers { sink.write("<th>mean ρ, layer \(l + 1)</th>") }
        sink.write("</tr></thead>\n<tbody>\n")
        // The class each layer ponders on longest, in bold.
        let longest = (0..<s.layers).map { l in
            s.classes.indices.max { s.classes[$0].meanRho[l] < s.classes[$1].meanRho[l] }
        }
        for (i, c) in s.classes.enumerated() {
            sink.write("<tr><td>")
            sink.writeXMLEscaped(c.characterClass.name)
            sink.write("</td><td>")
            sink.writeInt(c.count)
            sink.write("</td>")
            for (l, rho) in c.meanRho.enumerated() {
                sink.write(longest[l] == i ? "<td><b>" : "<td>")
                sink.writeFixed(rho, decimals: 3, missing: "—")
                sink.write(longest[l] == i ? "</b></td>" : "</td>")
            }
            sink.write("</tr>\n")
        }
        sink.write("</tbody>\n<tfoot><tr><td>all</td><td>")
        sink.writeInt(s.bytes)
        sink.write("</td>")
        for rho in s.meanRho {
            sink.write("<td>")
            sink.writeFixed(rho, decimals: 3, missing: "—")
            sink.write("</td>")
        }
        sink.write("</tr></tfoot>\n</table>\n<p>Bits per character: <b>")
        sink.writeFixed(s.bitsPerCharacter, decimals: 3, missing: "—")
        sink.write("</b>. Ponder at word boundaries (spaces, punctuation, sentence ends, newlines) "
                   + "relative to inside words: ")
        sink.writeLayerRatios(s.boundaryToInsideRatio, open: "<b>", close: "</b>")
        sink.write(".</p>\n</section>\n")
    }

    private static let pageCSS = """
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;
          margin:0 auto;padding:24px 32px;max-width:1100px}
        @media (max-width:600px){body{padding:12px 10px}}

        """

    private static let css = """
        .ponder-map{display:flex;flex-direction:column}
        .ponder-map header{order:0}
        .ponder-map .summary{order:1;margin:4px 0 16px;overflow-x:auto}
        .ponder-map pre.text{order:2;font:14px/1.75 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
          white-space:pre-wrap;overflow-wrap:anywhere;word-wrap:break-word;
          margin:0;padding-top:14px;border-top:1px solid #e6e6e6}
        .ponder-map pre.text span:hover{outline:1.5px solid #222}
        .ponder-map .title{font-size:21px;font-weight:600;margin:0 0 4px}
        .ponder-map h3.title{font-size:17px}
        .ponder-map .title .source{font-weight:400;color:#777;font-family:ui-monospace,Menlo,Consolas,monospace;
          font-size:0.8em;overflow-wrap:anywhere}
        .ponder-map .note{color:#555;margin:2px 0 12px;max-width:780px}
        .ponder-map .legend{display:flex;flex-wrap:wrap;align-items:center;font-size:13px;color:#444;margin-bottom:14px}
        .ponder-map .legend span{margin-right:8px}
        .ponder-map .legend .ramp{display:inline-flex;border:1px solid #ddd}
        .ponder-map .legend i{display:inline-block;width:16px;height:14px}
        .ponder-map .legend .hint{color:#888;margin-left:8px}
        .ponder-map table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
        .ponder-map th,.ponder-map td{padding:3px 12px;text-align:right;border-bottom:1px solid #eee}
        .ponder-map th{font-weight:600;color:#555;border-bottom:1px solid #ccc}
        .ponder-map th:first-child,.ponder-map td:first-child{text-align:left}
        .ponder-map tfoot td{border-top:1px solid #ccc;color:#555}
        .ponder-map .summary p{color:#444;margin:10px 0 0}

        """
}
