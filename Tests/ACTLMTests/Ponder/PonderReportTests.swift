import XCTest
import ACTLM

final class PonderReportTests: XCTestCase {
    func testRowsAndSummariesOfTheHandExample() {
        let report = PonderReport(HandExample.stats(), minimumByteCount: 1)
        XCTAssertEqual(report.bytes, 6)
        XCTAssertEqual(report.classes.map(\.key), CharacterClass.allCases.map(\.key))
        let space = report.classes[CharacterClass.space.rawValue]
        XCTAssertEqual(space.share, 1.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(space.meanRho, [3.5, 2])
        XCTAssertEqual(report.classes[CharacterClass.digit.rawValue].meanRho, [nil, nil])
        XCTAssertEqual(report.perLayer.map(\.layer), [1, 2])
        XCTAssertEqual(report.perLayer[0].boundaryToInsideRatio!, 3, accuracy: 1e-12)
        XCTAssertEqual(report.perLayer[0].boundaryRho, 4.125)
        XCTAssertEqual(report.perLayer[0].insideRho, 1.375)
        XCTAssertEqual(report.perLayer[0].boundarySteps, 3.5, "' ' 3 steps, '.' 4")
        XCTAssertEqual(report.perLayer[0].insideSteps, 1)
        XCTAssertEqual(report.perLayer[0].stepHistogram, [2, 2, 1, 1])
        // ρ summed over layers: '.' 4.75+2, ' ' 3.5+2, 'A' 2.5+2, 't' 2.25+2, 'n' 1.5+2, 'o' 1.25+2
        XCTAssertEqual(report.topBytes.map(\.shown), ["'.'", "' '", "'A'", "'t'", "'n'", "'o'"])
        XCTAssertEqual(report.topBytes[0].meanRho, [4.75, 2])
        XCTAssertEqual(PonderReport(HandExample.stats()).topBytes.count, 0, "no byte was seen 10 times")
    }

    func testVerdicts() {
        XCTAssertEqual(PonderReport.verdict(ratio: 3, maxPonder: 4),
                       "ponders more at word boundaries: +200% over inside words")
        XCTAssertEqual(PonderReport.verdict(ratio: 0.8, maxPonder: 4),
                       "ponders less at word boundaries: -20% against inside words")
        XCTAssertEqual(PonderReport.verdict(ratio: 1.02, maxPonder: 4),
                       "ponders about the same at word boundaries and inside words (+2%)")
        XCTAssertEqual(PonderReport.verdict(ratio: nil, maxPonder: 4),
                       "too little text to compare word boundaries with word insides")
        XCTAssertEqual(PonderReport.verdict(ratio: 1, maxPonder: 1),
                       "no pondering to compare (M = 1: a plain LSTM layer)")
        XCTAssertEqual(PonderReport.verdict(ratio: 1, maxPonder: 2, ponder: .fixed),
                       "no pondering to compare (every byte takes K = 2 fixed steps)")
    }

    /// The fixed control's report names K, not M, and no layer is said to ponder more anywhere.
    func testAFixedControlReadsAsKFixedSteps() {
        let report = PonderReport(HandExample.stats(), ponder: .fixed, minimumByteCount: 1)
        XCTAssertTrue(report.text.hasPrefix("Where the model ponders: 6 bytes, 2 layers, K = 4 fixed steps per byte\n"),
                      report.text)
        XCTAssertEqual(report.perLayer.map(\.verdict), Array(repeating: "no pondering to compare (every byte takes K = 4 fixed steps)",
                                                           count: 2))
        XCTAssertEqual(PonderReport(HandExample.stats()).ponder, .adaptive)
    }

    func testTextTables() {
        let text = PonderReport(HandExample.stats(), minimumByteCount: 1).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let expected = [
            "Where the model ponders: 6 bytes, 2 layers, M = 4",
            "class            share    ρ L1    ρ L2",
            "space            16.7%    3.50    2.00",
            "word start       33.3%    2.38    2.00",
            "digit             0.0%       –       –",
            "  layer 1   3.00  ponders more at word boundaries: +200% over inside words",
            "  layer 2   1.00  ponders about the same at word boundaries and inside words (+0%)",
            "  N      layer 1                       layer 2",
            "  1        33.3% ██████▋                100.0% ████████████████████",
            "  4        16.7% ███▍                     0.0%",
            "  byte           count    ρ L1    ρ L2",
            "  '.'                1    4.75    2.00",
        ]
        for line in expected {
            XCTAssertTrue(lines.contains(line), "missing line:\n\(line)\nin:\n\(text)")
        }
        XCTAssertFalse(lines.contains { $0.hasPrefix("  5 ") }, "histogram stops at the largest N seen")
    }

    func testLongPonderingIsBucketed() {
        var stats = PonderStats(layers: 1, maxPonder: 100)
        stats.record(layer: 0, inputs: Array("abcd".utf8), previous: [0x0A], rho: [1.5, 9.5, 17.5, 40.5],
                     steps: [1, 9, 17, 40])
        let lines = PonderReport(stats).text.split(separator: "\n").map(String.init)
        let labels = lines.compactMap { line -> String? in
            let parts = line.split(separator: " ")
            return line.hasPrefix("  ") && line.contains("%") ? parts.first.map(String.init) : nil
        }
        XCTAssertEqual(labels, ["1", "2", "3", "4", "5", "6", "7", "8", "9-16", "17-32", "33-64"])
    }

    func testBarsAreProportional() {
        XCTAssertEqual(PonderReport.bar(0, width: 10), "")
        XCTAssertEqual(PonderReport.bar(1, width: 10), String(repeating: "█", count: 10))
        XCTAssertEqual(PonderReport.bar(0.5, width: 3), "█▌")
        XCTAssertEqual(PonderReport.bar(2, width: 2), "██", "clamped to the width")
    }

    func testJSON() throws {
        let json = try PonderReport(HandExample.stats(), minimumByteCount: 1).json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["bytes"] as? Int, 6)
        XCTAssertEqual(object["max_ponder"] as? Int, 4)
        let layers = try XCTUnwrap(object["per_layer"] as? [[String: Any]])
        XCTAssertEqual(layers[0]["boundary_to_inside_ratio"] as? Double, 3)
        XCTAssertEqual(layers[0]["step_histogram"] as? [Int], [2, 2, 1, 1])
        XCTAssertEqual(layers[1]["verdict"] as? String,
                       "ponders about the same at word boundaries and inside words (+0%)")
        let classes = try XCTUnwrap(object["classes"] as? [[String: Any]])
        XCTAssertEqual(classes[CharacterClass.digit.rawValue]["key"] as? String, "digit")
        XCTAssertEqual((classes[CharacterClass.digit.rawValue]["mean_rho"] as? [Any])?.count, 2)
        XCTAssertTrue((classes[CharacterClass.digit.rawValue]["mean_rho"] as? [Any])?.first is NSNull)
        XCTAssertEqual((object["top_bytes"] as? [[String: Any]])?.first?["byte"] as? Int, 0x2E)
    }

    func testTraceText() {
        var trace = PonderTrace(text: Array("ab c\nd\u{7}xyz".utf8), layers: 2)
        trace.record(layer: 0, start: 0, rho: Array(repeating: 1, count: 10), steps: [1, 1, 3, 2, 4, 12, 1, 1, 2, 1])
        trace.record(layer: 1, start: 0, rho: Array(repeating: 1, count: 10), steps: Array(repeating: 1, count: 10))
        let lines = PonderReport.traceText(trace, width: 8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(Array(lines.dropFirst()), ["", "      ab c↵d·x", "L1    11324+11", "L2    11111111",
                                                  "", "      yz", "L1    21", "L2    11", ""])
    }
}
