import Foundation
import XCTest
import ACTLM

/// Each ponder-map format checked for structure, on text chosen to break naive escaping.
final class PonderMapFormatTests: XCTestCase {
    private func render(_ bytes: [UInt8], layers: Int, _ make: (OutputSink) throws -> PonderMapRenderer)
        throws -> (output: [UInt8], rows: [PonderMapRow]) {
        var synthetic = SyntheticPonder(layers: layers)
        let rows = synthetic.rows(bytes)
        let sink = OutputSink.memory()
        let renderer = try make(sink)
        for row in rows { try renderer.write(row) }
        try renderer.finish(summary: plainSummary(rows, layers: layers))
        return (sink.collected, rows)
    }

    /// The byte a TSV/JSON `char` field stands for.
    private func unescape(_ s: String) -> UInt8? {
        switch s {
        case "\\t": return 0x09
        case "\\n": return 0x0A
        case "\\r": return 0x0D
        case "\\\\": return 0x5C
        default:
            if s.hasPrefix("\\x"), s.count == 4 { return UInt8(s.dropFirst(2), radix: 16) }
            return s.utf8.count == 1 && s.utf8.first! >= 0x20 && s.utf8.first! < 0x7F ? s.utf8.first : nil
        }
    }

    /// What the HTML and SVG views should show for `awkwardText`, character by character.
    private var awkwardCharacters: [String] {
        let validEnd = awkwardText.firstIndex(of: 0xFF)!
        let valid = String(decoding: awkwardText[..<validEnd], as: UTF8.self).unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "↵"
            case "\r": return "␍"
            case "\u{01}": return "␁"
            default: return String(scalar)
            }
        }
        return valid + ["\u{FFFD}", "A", "\u{FFFD}", "(", "\u{FFFD}", "\u{FFFD}", " ", "e", "n", "d", ".", "↵"]
    }

    // MARK: TSV

    func testTSVHasTheExactHeaderAndOneLinePerByte() throws {
        let layers = 3
        let (output, rows) = try render(awkwardText, layers: layers) { PonderMapTSV(layers: layers, sink: $0) }
        var lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.removeLast(), "", "the file ends with a newline")
        XCTAssertEqual(lines.removeFirst(), "offset\tbyte\tchar\tbits\trho_1\trho_2\trho_3\tn_1\tn_2\tn_3")
        XCTAssertEqual(lines.count, awkwardText.count)
        for (line, row) in zip(lines, rows) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(fields.count, 4 + 2 * layers, "\(line)")
            XCTAssertEqual(Int64(fields[0]), row.offset)
            XCTAssertEqual(UInt8(fields[1]), row.byte)
            XCTAssertEqual(unescape(fields[2]), row.byte, "char field \(fields[2])")
            if let bits = row.bits {
                XCTAssertEqual(Float(fields[3])!, bits, accuracy: 6e-5)
            } else {
                XCTAssertEqual(fields[3], "", "the first byte has no prediction")
            }
            for l in 0..<layers {
                XCTAssertEqual(Float(fields[4 + l])!, row.rho[l], accuracy: 6e-5)
                XCTAssertEqual(Int32(fields[4 + layers + l]), row.steps[l])
            }
        }
    }

    func testTSVOfRealTextHasARowPerByte() throws {
        let text = wikipediaSample(limit: 60_000) ?? Array(repeating: awkwardText, count: 200).flatMap { $0 }
        let (output, _) = try render(text, layers: 2) { PonderMapTSV(layers: 2, sink: $0) }
        XCTAssertEqual(output.filter { $0 == 0x0A }.count, text.count + 1)
    }

    // MARK: JSON

    func testJSONParsesAndCarriesEveryRowAndTheSummary() throws {
        let layers = 2
        let (output, rows) = try render(awkwardText, layers: layers) {
            PonderMapJSON(layers: layers, source: "awkward \"name\"\t.txt", sink: $0)
        }
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        XCTAssertEqual(document["layers"] as? Int, layers)
        XCTAssertEqual(document["source"] as? String, "awkward \"name\"\t.txt")
        let jsonRows = try XCTUnwrap(document["rows"] as? [[String: Any]])
        XCTAssertEqual(jsonRows.count, awkwardText.count)
        for (json, row) in zip(jsonRows, rows) {
            XCTAssertEqual(json["offset"] as? Int, Int(row.offset))
            XCTAssertEqual(json["byte"] as? Int, Int(row.byte))
            XCTAssertEqual(unescape(try XCTUnwrap(json["char"] as? String)), row.byte)
            if let bits = row.bits {
                XCTAssertEqual(try XCTUnwrap(json["bits"] as? Double), Double(bits), accuracy: 6e-5)
            } else {
                XCTAssertTrue(json["bits"] is NSNull)
            }
            let rho = try XCTUnwrap(json["rho"] as? [Double])
            XCTAssertEqual(rho.count, layers)
            for l in 0..<layers { XCTAssertEqual(rho[l], Double(row.rho[l]), accuracy: 6e-5) }
            XCTAssertEqual(json["n"] as? [Int], row.steps.map(Int.init))
        }
        let summary = try XCTUnwrap(document["summary"] as? [String: Any])
        let expected = plainSummary(rows, layers: layers)
        XCTAssertEqual(summary["bytes"] as? Int, awkwardText.count)
        XCTAssertEqual(try XCTUnwrap(summary["bpc"] as? Double), expected.bitsPerCharacter!, accuracy: 1e-4)
        let classes = try XCTUnwrap(summary["classes"] as? [[String: Any]])
        XCTAssertEqual(classes.compactMap { $0["class"] as? String }, expected.classes.map(\.characterClass.key))
        XCTAssertEqual((summary["boundary_inside_ratio"] as? [Double])?.count, layers)
    }

    func testJSONOfAnEmptyTextWithoutSummaryParses() throws {
        let sink = OutputSink.memory()
        let json = PonderMapJSON(layers: 1, source: "-", sink: sink)
        try json.finish(summary: nil)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sink.collected)) as? [String: Any])
        XCTAssertEqual((document["rows"] as? [Any])?.count, 0)
        XCTAssertTrue(document["summary"] is NSNull)
    }

    // MARK: HTML

    func testHTMLIsWellFormedWithASpanPerCharacterAndTheSummary() throws {
        let layers = 2
        let scale = PonderColorScale(lower: 1, upper: 4)
        let (output, _) = try render(awkwardText, layers: layers) {
            try PonderMapHTML(layers: layers, layer: .layer(2), scale: scale, source: "<awkward & odd>", sink: $0)
        }
        let xml = XMLCollector.parse(output)
        XCTAssertNil(xml.error, "HTML must be well-formed XML: \(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "html")
        for name in ["head", "title", "style", "body", "pre", "table", "thead", "tbody", "tfoot"] {
            XCTAssertEqual(xml.counts[name], 1, name)
        }
        XCTAssertEqual(xml.elements("title").first?.text, "Ponder map: <awkward & odd>")

        let spans = xml.elements("span") { $0.name == "pre" }
        XCTAssertEqual(spans.map(\.text), awkwardCharacters)
        XCTAssertTrue(spans.allSatisfy { ($0.attributes["class"] ?? "").hasPrefix("h") })
        // Every byte has its own line of details, in order, the first without a prediction.
        let details = spans.flatMap { ($0.attributes["title"] ?? "").split(separator: "\n") }
            .filter { $0.contains("offset ") }
        XCTAssertEqual(details.count, awkwardText.count)
        XCTAssertTrue(details[0].contains("first byte"))
        XCTAssertTrue(details[1].contains("offset 1 ·") && details[1].contains(" bits · ρ "))
        XCTAssertTrue(spans.contains { ($0.attributes["title"] ?? "").hasPrefix("U+65E5 日") })

        // The summary table: a row per class that occurred, bpc and the ratio in the paragraph after it.
        let classCells = xml.elements("td") { $0.name == "tbody" }.map(\.text)
        XCTAssertTrue(classCells.contains("inside word") && classCells.contains("space"))
        XCTAssertTrue(xml.elements("p").contains { $0.text.hasPrefix("Bits per character: ") })
    }

    func testHTMLColoursEachCharacterByItsPonder() throws {
        // Flat ponder except one byte: that byte alone takes the top colour.
        let rows = Array("calm CALM calm".utf8).enumerated().map { i, b in
            PonderMapRow(offset: Int64(i), byte: b, bits: 1, rho: [i == 6 ? 9 : 1.1], steps: [1])
        }
        let sink = OutputSink.memory()
        let html = try PonderMapHTML(layers: 1, scale: PonderColorScale(lower: 1, upper: 3), source: "t", sink: sink)
        for row in rows { try html.write(row) }
        try html.finish(summary: nil)
        let spans = XMLCollector.parse(sink.collected).elements("span") { $0.name == "pre" }
        XCTAssertEqual(spans.map { $0.attributes["class"]! },
                       rows.map { $0.rho[0] > 2 ? "h\(PonderColorScale.levels - 1)" : "h0" })
    }

    // MARK: SVG

    func testSVGIsWellFormedWithPanelsBarsAndTheText() throws {
        let layers = 2
        let (output, _) = try render(awkwardText, layers: layers) {
            try PonderMapSVG(layers: layers, source: "awkward <text>", columns: 40, sink: $0)
        }
        let xml = XMLCollector.parse(output)
        XCTAssertNil(xml.error, "SVG must be well-formed XML: \(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "svg")
        XCTAssertNotNil(Int(xml.root?.attributes["width"] ?? ""))
        XCTAssertNotNil(Int(xml.root?.attributes["height"] ?? ""))
        XCTAssertEqual(xml.elements("title").first?.text, "Ponder map: awkward <text>")

        // The text, glyph by glyph (spaces are gaps), in the monospace group of each line.
        let glyphs = xml.elements("text") { ($0.attributes["font-family"] ?? "").contains("monospace") }
        XCTAssertEqual(glyphs.map(\.text), awkwardCharacters.filter { $0 != " " }.map { $0 == "\t" ? "⇥" : $0 })

        // A panel per layer plus the surprise panel on every line, a bar per byte in each (the first
        // byte has no surprise bar).
        let lines = xml.elements("g").filter { ($0.attributes["font-family"] ?? "").contains("monospace") }.count
        XCTAssertGreaterThanOrEqual(lines, awkwardText.count / 40 + 1)
        let panels = xml.elements("rect").filter { $0.attributes["fill"] == "#f7f7f7" }.count
        XCTAssertEqual(panels, lines * (layers + 1))
        let bars = xml.elements("rect").filter { $0.attributes["width"] == "7.0" }.count
        XCTAssertEqual(bars, awkwardText.count * layers + awkwardText.count - 1)
        XCTAssertTrue(xml.elements("text").contains { $0.text.hasPrefix("Bits per character ") })
    }

    func testSVGShowsABoundedWindowOfALongTextAndSaysSo() throws {
        let text = Array(repeating: Array("The cat sat on the mat. ".utf8), count: 100).flatMap { $0 }
        let (output, _) = try render(text, layers: 1) {
            try PonderMapSVG(layers: 1, source: "cats", maxBytes: 240, sink: $0)
        }
        let xml = XMLCollector.parse(output)
        XCTAssertNil(xml.error)
        let glyphs = xml.elements("text") { ($0.attributes["font-family"] ?? "").contains("monospace") }
        XCTAssertEqual(glyphs.count, text.prefix(240).filter { $0 != 0x20 }.count)
        XCTAssertTrue(xml.elements("text").contains { $0.text == "Showing the first 240 of 2400 bytes." })
        // Lines break after a space, so no word is cut.
        let lineStarts = xml.elements("text").filter { $0.attributes["class"] == "offset" }
        XCTAssertEqual(lineStarts.first?.text, "0")
        XCTAssertGreaterThan(lineStarts.count, 2)
        XCTAssertTrue(lineStarts.dropFirst().allSatisfy { text[Int($0.text)! - 1] == 0x20 })
    }

    func testSVGRejectsUnreadableSizes() {
        XCTAssertThrowsError(try PonderMapSVG(layers: 1, source: "x", maxBytes: 0, sink: .discarding())) {
            XCTAssertTrue("\($0)".contains("between 1 and"), "\($0)")
        }
        XCTAssertThrowsError(try PonderMapSVG(layers: 1, source: "x", columns: 5, sink: .discarding()))
    }

    // MARK: terminal

    func testTerminalOutputIsTheInputBytesPlusColoursAndALegend() throws {
        let scale = PonderColorScale(lower: 1, upper: 4)
        let (output, _) = try render(awkwardText, layers: 2) {
            try PonderMapTerminal(layers: 2, scale: scale, sink: $0)
        }
        let (text, escapeOffsets) = strippingEscapes(output)
        XCTAssertEqual(Array(text.prefix(awkwardText.count)), awkwardText)
        let legend = String(decoding: text.dropFirst(awkwardText.count), as: UTF8.self)
        XCTAssertTrue(legend.hasPrefix("ponder (ρ summed over layers): 1.00 ") && legend.hasSuffix(" 4.00\n"), legend)
        XCTAssertEqual(legend.filter { $0 == "\n" }.count, 1, "one legend line")
        XCTAssertGreaterThan(escapeOffsets.count, 10, "colours change along the text")
        XCTAssertTrue(String(decoding: output, as: UTF8.self).contains("\u{1B}[38;2;"))

        // No escape code inside a multi-byte character of the valid part.
        let validEnd = awkwardText.firstIndex(of: 0xFF)!
        for p in escapeOffsets where p < validEnd {
            XCTAssertFalse((0x80...0xBF).contains(awkwardText[p]), "escape inside a UTF-8 character at \(p)")
        }
        // No colour is active when a newline is written.
        var active = false
        var i = 0
        while i < output.count {
            if output[i] == 0x1B {
                let end = output[i...].firstIndex(of: UInt8(ascii: "m"))!
                active = output[(i + 2)..<end].elementsEqual("0".utf8) ? false : true
                i = end + 1
                continue
            }
            if output[i] == 0x0A { XCTAssertFalse(active, "colour bleeding past a newline at \(i)") }
            i += 1
        }
    }

    func testTerminalColoursAWholeCharacterByItsMostPonderedByte() throws {
        // "é" is two bytes; only its second byte pondered long, yet the whole character is coloured.
        let bytes = Array("a é b".utf8)
        let rows = bytes.enumerated().map { i, b in
            PonderMapRow(offset: Int64(i), byte: b, bits: 1, rho: [i == 3 ? 5 : 1], steps: [1])
        }
        let sink = OutputSink.memory()
        let view = try PonderMapTerminal(layers: 1, layer: .layer(1), scale: PonderColorScale(lower: 1, upper: 5),
                                         colors: .palette256, legend: false, sink: sink)
        for row in rows { try view.write(row) }
        try view.finish(summary: nil)
        let hot = PonderColorScale.color(level: PonderColorScale.levels - 1).ansi256
        let output = String(decoding: sink.collected, as: UTF8.self)
        XCTAssertTrue(output.contains(";48;5;\(hot)mé\u{1B}["), output.debugDescription)
        XCTAssertFalse(output.contains("38;2;"))
        XCTAssertEqual(strippingEscapes(sink.collected).text, bytes)
    }

    func testTrueColourOnlyWhenTheTerminalSaysSo() {
        XCTAssertEqual(TerminalColors.fromEnvironment(["COLORTERM": "truecolor"]), .trueColor)
        XCTAssertEqual(TerminalColors.fromEnvironment(["COLORTERM": "24bit"]), .trueColor)
        XCTAssertEqual(TerminalColors.fromEnvironment(["TERM": "xterm-256color"]), .palette256)
    }

    func testALayerTheModelDoesNotHaveIsRefused() {
        XCTAssertThrowsError(try PonderMapTerminal(layers: 2, layer: .layer(3), scale: .init(lower: 1, upper: 2),
                                                   sink: .discarding())) { error in
            XCTAssertEqual("\(error)", "layer 3 does not exist: the model has 2 layers (give 1 to 2, or leave it "
                           + "out for the sum over layers)")
        }
        let badLayer = PonderMapOptions(format: .html, layer: .layer(0), source: "x")
        XCTAssertThrowsError(try PonderMapWriter(layers: 1, options: badLayer, sink: .discarding()))
    }

    // MARK: the writer

    func testWriterFitsTheColoursToTheStartOfTheTextThenStreams() throws {
        var synthetic = SyntheticPonder(layers: 2)
        let rows = synthetic.rows(awkwardText)
        let viaWriter = OutputSink.memory()
        let writer = try PonderMapWriter(layers: 2, options: .init(format: .terminal, source: "-"), sink: viaWriter)
        for row in rows { try writer.write(row) }
        try writer.finish(summary: nil)

        let direct = OutputSink.memory()
        let scale = PonderColorScale(fitting: rows.map { $0.rho.reduce(0, +) })
        let view = try PonderMapTerminal(layers: 2, scale: scale, sink: direct)
        for row in rows { try view.write(row) }
        try view.finish(summary: nil)
        XCTAssertEqual(viaWriter.collected, direct.collected)
    }

    func testWriterProducesEveryFormatForATextLongerThanItsLookahead() throws {
        let copies = PonderMapWriter.lookahead / awkwardText.count + 3
        let text = Array(repeating: awkwardText, count: copies).flatMap { $0 }
        var synthetic = SyntheticPonder(layers: 2)
        let rows = synthetic.rows(text)
        for format in PonderMapFormat.allCases {
            let sink = OutputSink.memory()
            let writer = try PonderMapWriter(layers: 2, options: .init(format: format, source: "long"), sink: sink)
            for row in rows { try writer.write(row) }
            try writer.finish(summary: plainSummary(rows, layers: 2))
            switch format {
            case .terminal:
                XCTAssertEqual(Array(strippingEscapes(sink.collected).text.prefix(text.count)), text)
            case .tsv:
                XCTAssertEqual(sink.collected.filter { $0 == 0x0A }.count, text.count + 1)
            case .json:
                let document = try JSONSerialization.jsonObject(with: Data(sink.collected)) as? [String: Any]
                XCTAssertEqual((document?["rows"] as? [Any])?.count, text.count)
            case .html:
                let xml = XMLCollector.parse(sink.collected)
                XCTAssertNil(xml.error)
                XCTAssertEqual(xml.elements("span") { $0.name == "pre" }.count,
                               awkwardCharacters.count * copies)
            case .svg:
                XCTAssertNil(XMLCollector.parse(sink.collected).error)
            }
        }
    }

    // MARK: pieces

    func testColourScaleDarkensStepByStepAndFitsRoundNumbers() {
        let luminances = (0..<PonderColorScale.levels).map { PonderColorScale.color(level: $0).luminance }
        XCTAssertTrue(zip(luminances, luminances.dropFirst()).allSatisfy { $0 > $1 }, "\(luminances)")
        XCTAssertEqual(PonderColorScale.textColor(level: 0), RGB(24, 24, 24))
        XCTAssertEqual(PonderColorScale.textColor(level: PonderColorScale.levels - 1), RGB(255, 255, 255))
        let ramp = (0..<150).map { 1.2 + Float($0) * 0.01 }   // up to 2.69
        let scale = PonderColorScale(fitting: [1.07, .nan] + ramp.shuffled() + [40])
        XCTAssertEqual(scale, PonderColorScale(lower: 1, upper: 2.75), "the minimum and 99th percentile, in quarters")
        XCTAssertEqual(scale.level(0), 0)
        XCTAssertEqual(scale.level(100), PonderColorScale.levels - 1)
        XCTAssertEqual(PonderColorScale(lower: 2, upper: 2).upper, 3)
        XCTAssertEqual(RGB(255, 0, 128).hex, "#ff0080")
        XCTAssertEqual(RGB(255, 0, 0).ansi256, 196)
    }

    func testSummaryAsPlainText() {
        let summary = PonderMapSummary(
            layers: 2, bytes: 10,
            classes: [.init(characterClass: .space, count: 2, meanRho: [2.5, 1.25]),
                      .init(characterClass: .wordInside, count: 8, meanRho: [1.125, 1.5])],
            meanRho: [1.4, 1.45], bitsPerCharacter: 1.2345, boundaryToInsideRatio: [2.222, nil])
        let text = summary.plainText
        XCTAssertTrue(text.contains("ρ layer 2"))
        XCTAssertTrue(text.contains("\nspace                  2      2.500      1.250\n"), text)
        XCTAssertTrue(text.contains("bits per character: 1.235") || text.contains("bits per character: 1.234"), text)
        XCTAssertTrue(text.hasSuffix("inside words: layer 1 2.22, layer 2 —\n"), text)
    }

    func testSinkReportsWhereAndWhyAWriteFailed() throws {
        let missing = try CorpusFixtures.temporaryDirectory(for: self).path + "/missing/map.html"
        XCTAssertThrowsError(try OutputSink.file(path: missing)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot write \(missing): "), "\(error)")
        }
        // The one path outside the test's folder: a device that fails every write. Only a character
        // device is opened (open(2), never replaced), and it must still be one afterwards.
        if isCharacterDevice("/dev/full") {
            let sink = try OutputSink.file(path: "/dev/full")
            let tsv = PonderMapTSV(layers: 1, sink: sink)
            XCTAssertThrowsError(try tsv.finish(summary: nil)) { error in
                XCTAssertTrue("\(error)".contains("/dev/full"), "\(error)")
            }
            XCTAssertTrue(isCharacterDevice("/dev/full"))
        }
        let counting = OutputSink.discarding()
        counting.write("12345")
        try counting.flush()
        XCTAssertEqual(counting.bytesWritten, 5)
        XCTAssertTrue(counting.collected.isEmpty)
    }
}

private func isCharacterDevice(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
}
