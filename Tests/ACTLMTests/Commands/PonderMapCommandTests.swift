import Foundation
import XCTest
import ACTLM

/// `actlm ponder-map` end to end: the built binary, a tiny model in checkpoints/, and a text file.
final class PonderMapCommandTests: XCTestCase {
    private let model = CommandFixtures.randomModel(layers: 2, hidden: 16)
    private let text = CommandFixtures.text(bytes: 5_000) + Array("\nÜber 東京 ✓ \u{1F600}\r\n\t\\ \"end\"".utf8)

    /// A folder with `checkpoints/run/latest.ckpt` and `text.txt`, as a user's would be.
    private func workspace() throws -> String {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(model, to: directory + "/checkpoints/run/latest.ckpt")
        _ = try CorpusFixtures.write(text, to: URL(fileURLWithPath: directory + "/text.txt"))
        return directory
    }

    /// The rows the library computes for the text, to compare the command's output with.
    private func expectedRows() throws -> [PonderMapRow] {
        var rows: [PonderMapRow] = []
        _ = try TextScorer(config: model.config).run(parameters: model.parameters, bytes: text) { rows.append($0) }
        return rows
    }

    func testTSVHasOneRowPerByteWithEveryColumn() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "text.txt", "--format", "tsv"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.first, "offset\tbyte\tchar\tbits\trho_1\trho_2\tn_1\tn_2")
        XCTAssertEqual(lines.count - 1, text.count, "one row per byte of the file")
        let expected = try expectedRows()
        for (i, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(cells.count, 8, "row \(i): \(line)")
            XCTAssertEqual(Int(cells[0]), i)
            XCTAssertEqual(Int(cells[1]), Int(text[i]))
            XCTAssertEqual(cells[3].isEmpty, i == 0, "only the first byte has no surprise")
            if i > 0 { XCTAssertEqual(Float(cells[3])!, expected[i].bits!, accuracy: 1e-4) }
            XCTAssertEqual(Float(cells[4])!, expected[i].rho[0], accuracy: 1e-4)
            XCTAssertEqual(Int32(cells[7])!, expected[i].steps[1])
        }
    }

    func testPipedOutputIsTheTableAndStandardInputWorks() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "-"], in: directory, stdin: directory + "/text.txt")
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.text.hasPrefix("offset\tbyte\tchar\tbits\t"), "piped, the default is TSV")
        XCTAssertEqual(output.stdout.filter { $0 == 0x0A }.count, text.count + 1)
    }

    func testJSONParsesWithRowsAndSummary() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "text.txt", "--format", "json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        XCTAssertEqual(object["layers"] as? Int, 2)
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, text.count)
        XCTAssertTrue(rows[0]["bits"] is NSNull)
        XCTAssertEqual((rows[1]["rho"] as? [Double])?.count, 2)
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(summary["bytes"] as? Int, text.count)
        let evaluation = try TextScorer(config: model.config).run(parameters: model.parameters, bytes: text)
        XCTAssertEqual(try XCTUnwrap(summary["bpc"] as? Double), evaluation.bitsPerCharacter!, accuracy: 1e-3)
        XCTAssertEqual((summary["mean_rho"] as? [Double])?.count, 2)
        XCTAssertEqual((summary["boundary_inside_ratio"] as? [Double])?.count, 2)
        XCTAssertFalse((summary["classes"] as? [[String: Any]] ?? []).isEmpty)
    }

    func testHTMLIsWellFormedWithEveryCharacterAndTheSummary() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "text.txt", "--format", "html", "--layer", "2"],
                                         in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let xml = XMLCollector.parse(output.stdout)
        XCTAssertNil(xml.error, "\(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "html")
        XCTAssertEqual(xml.counts["title"], 1)
        XCTAssertEqual(xml.counts["table"], 1, "the summary table")
        let characters = xml.elements("span") { $0.name == "pre" }.filter { $0.attributes["title"] != nil }
        // Every byte is in one character span; multi-byte characters share one.
        XCTAssertEqual(characters.count, String(decoding: text, as: UTF8.self).unicodeScalars.count)
        XCTAssertTrue(output.text.contains("ρ of layer 2"), "the legend names the layer coloured by")
    }

    func testSVGIsWellFormedWithABarPerLayerAndByte() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "text.txt", "--format", "svg", "--figure-bytes", "300"],
                                         in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let xml = XMLCollector.parse(output.stdout)
        XCTAssertNil(xml.error, "\(String(describing: xml.error))")
        XCTAssertEqual(xml.root?.name, "svg")
        XCTAssertNotNil(Int(xml.root?.attributes["width"] ?? ""))
        // A bar per layer for every byte shown, and a surprise bar for all but the first.
        let bars = xml.elements("rect").filter { $0.attributes["width"] == "7.0" }.count
        XCTAssertEqual(bars, 300 * 2 + 299)
        XCTAssertTrue(xml.elements("text").contains { $0.text == "Showing the first 300 of \(text.count) bytes." })
        XCTAssertTrue(xml.elements("text").contains { $0.text.hasPrefix("Bits per character ") })
    }

    func testTerminalHeatMapIsTheTextWithColoursAndASummaryOnStandardError() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["ponder-map", "text.txt", "--format", "terminal"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        var plain = stripEscapes(output.stdout)
        // The legend line closes the map.
        let legend = try XCTUnwrap(plain.lastIndex(of: 0x0A, before: plain.count - 1))
        XCTAssertTrue(String(decoding: plain[(legend + 1)...], as: UTF8.self).hasPrefix("ponder (ρ summed over layers)"))
        plain.removeSubrange((legend + 1)...)
        XCTAssertEqual(plain, text + [0x0A], "the text comes through unchanged")
        XCTAssertTrue(output.stderr.contains("bits per character"), output.stderr)
        XCTAssertTrue(output.stderr.contains("ponder at word boundaries / inside words"), output.stderr)
    }

    func testSlowLongInputStaysInConstantMemory() throws {
        // The smallest model, so 20 MiB take about a minute: memory, not the model, is under test.
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let checkpoint = try CommandFixtures.save(CommandFixtures.randomModel(layers: 1, hidden: 8, maxPonder: 2),
                                                  to: directory + "/tiny.ckpt")
        let chunk = CommandFixtures.text(bytes: 1 << 20, seed: 8)
        func file(megabytes: Int) throws -> String {
            let path = directory + "/long-\(megabytes).txt"
            let handle = try CorpusFixtures.openForWriting(path)
            for _ in 0..<megabytes { handle.write(Data(chunk)) }
            try handle.close()
            return path
        }
        let arguments = ["ponder-map", "-", "--format", "tsv", "--checkpoint", checkpoint]
        let small = try ActlmBinary.run(arguments, in: directory, stdin: try file(megabytes: 1), discardingOutput: true)
        let start = ContinuousClock.now
        let large = try ActlmBinary.run(arguments, in: directory, stdin: try file(megabytes: Self.longMegabytes),
                                        discardingOutput: true)
        let seconds = Double((ContinuousClock.now - start).components.seconds)
        try? FileManager.default.removeItem(atPath: directory + "/long-\(Self.longMegabytes).txt")
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertEqual(large.status, 0, large.stderr)
        print("ponder-map --format tsv of \(Self.longMegabytes) MiB from standard input: \(seconds) s, "
              + "peak RSS \(large.peakMemory >> 20) MiB (1 MiB: \(small.peakMemory >> 20) MiB)")
        XCTAssertLessThan(large.peakMemory - small.peakMemory, 8 << 20,
                          "peak memory \(large.peakMemory >> 20) MiB for \(Self.longMegabytes) MiB against "
                          + "\(small.peakMemory >> 20) MiB for 1 MiB")
    }

    /// 8 MiB against 1 MiB: memory that grew with the input would show 8 times over. ACTLM_LONG_MEGABYTES sets the size.
    static var longMegabytes: Int {
        Int(ProcessInfo.processInfo.environment["ACTLM_LONG_MEGABYTES"] ?? "") ?? 8
    }

    // MARK: errors

    func testErrorsSayWhatIsWrongAndWhatToDo() throws {
        let directory = try workspace()
        func failure(_ arguments: [String], in folder: String? = nil) throws -> String {
            try ActlmBinary.failure(arguments, in: folder ?? directory)
        }
        XCTAssertTrue(try failure(["ponder-map", "missing.txt"]).contains("cannot open the text 'missing.txt'"))
        let badLayer = try failure(["ponder-map", "text.txt", "--layer", "3"])
        XCTAssertTrue(badLayer.contains("layer 3 does not exist: the model has 2 layers"), badLayer)
        XCTAssertTrue(try failure(["ponder-map", "text.txt", "--layer", "0"]).contains("give 1 to 2"))
        XCTAssertTrue(try failure(["ponder-map", "text.txt", "--format", "pdf"]).contains("pdf"))

        let empty = try CommandFixtures.temporaryDirectory(for: self)
        let none = try failure(["ponder-map", directory + "/text.txt"], in: empty)
        XCTAssertTrue(none.contains("no checkpoint to use") && none.contains("actlm train"), none)

        var damaged = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/checkpoints/run/latest.ckpt")))
        damaged[damaged.count - 10] ^= 0xFF
        _ = try CorpusFixtures.write(damaged, to: URL(fileURLWithPath: directory + "/damaged.ckpt"))
        let corrupt = try failure(["ponder-map", "text.txt", "--checkpoint", "damaged.ckpt"])
        XCTAssertTrue(corrupt.contains("damaged.ckpt: the checkpoint is corrupted"), corrupt)
        _ = try CorpusFixtures.write(Array(damaged[0..<100]), to: URL(fileURLWithPath: directory + "/cut.ckpt"))
        XCTAssertTrue(try failure(["ponder-map", "text.txt", "--checkpoint", "cut.ckpt"]).contains("truncated"))
        XCTAssertTrue(try failure(["ponder-map", "text.txt", "--checkpoint", "text.txt"]).contains("not an actlm checkpoint"))
    }
}

/// The bytes with every ANSI escape sequence (ESC [ … letter) removed.
func stripEscapes(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x1B, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "[") {
            i += 2
            while i < bytes.count, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
            i += 1
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return out
}

private extension Array where Element == UInt8 {
    func lastIndex(of byte: UInt8, before end: Int) -> Int? {
        self[..<end].lastIndex(of: byte)
    }
}
