import Foundation
import XCTest
import ACTLM

/// Long inputs stream through every view in constant memory, and the figures render from real text.
final class PonderMapStreamingTests: XCTestCase {
    /// Resident memory of this process now (Linux: /proc/self/statm).
    private func residentBytes() throws -> Int {
        let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let pages = Int(statm.split(separator: " ")[1])!
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// 300 000 rows through each streaming format to a counting sink: the output is tens of megabytes,
    /// so keeping it (or the rows) would show; resident memory must grow by under 4 MB.
    func testAThreeHundredThousandByteTextStreamsInConstantMemory() throws {
        #if !os(Linux)
        throw XCTSkip("reads resident memory from /proc")
        #else
        let count = 300_000
        let text = wikipediaSample(limit: 64 * 1024) ?? awkwardText
        for format in [PonderMapFormat.tsv, .terminal, .json, .html] {
            let sink = OutputSink.discarding()
            let writer = try PonderMapWriter(layers: 2, options: .init(format: format, source: "long"), sink: sink)
            var synthetic = SyntheticPonder(layers: 2)
            let baseline = try residentBytes()
            var growth = 0
            for i in 0..<count {
                try writer.write(synthetic.row(text[i % text.count]))
                if i % 25_000 == 0 { growth = max(growth, try residentBytes() - baseline) }
            }
            try writer.finish(summary: nil)
            growth = max(growth, try residentBytes() - baseline)
            XCTAssertGreaterThan(sink.bytesWritten, 8_000_000, "\(format)")
            XCTAssertLessThan(growth, 4 << 20, "\(format): resident memory grew by \(growth) bytes")
        }
        #endif
    }

    /// Renders the HTML page and the SVG figure of a Wikipedia passage (or a stand-in) to files, as the
    /// command would, and checks both parse.
    func testFiguresOfRealTextRenderToFiles() throws {
        let sample = wikipediaSample(limit: 40_000) ?? []
        let start = sample.indices.first { sample[$0...].starts(with: "From the start".utf8) }
        let passage = start.map { Array(sample[$0..<min($0 + 1500, sample.count)]) }
            ?? Array(String(repeating: "From the start, the model reads one byte at a time. It ponders longer "
                            + "at spaces and at the ends of sentences, where the next word is hardest to guess. ",
                            count: 8).utf8)
        let directory = try CorpusFixtures.temporaryDirectory(for: self)

        var synthetic = SyntheticPonder(layers: 2)
        let rows = synthetic.rows(passage)
        for format in [PonderMapFormat.svg, .html] {
            let path = directory.appendingPathComponent("ponder-map.\(format.rawValue)").path
            let sink = try OutputSink.file(path: path)
            let options = PonderMapOptions(format: format, source: "enwik8, synthetic ponder")
            let writer = try PonderMapWriter(layers: 2, options: options, sink: sink)
            for row in rows { try writer.write(row) }
            try writer.finish(summary: plainSummary(rows, layers: 2))
            let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(Int64(written.count), sink.bytesWritten)
            XCTAssertNil(XMLCollector.parse(written).error, format.rawValue)
        }
    }
}
