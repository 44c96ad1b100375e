import Foundation
import XCTest
import ACTLM

final class ByteStreamTests: XCTestCase {
    private let text = CorpusFixtures.text(bytes: 300_000)

    func testPlainFileRoundTrip() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(text, to: directory.appendingPathComponent("plain.txt"))
        let stream = try ByteStream(path: path)
        XCTAssertEqual(stream.format, .plain)
        XCTAssertEqual(try CorpusFixtures.readAll(stream, chunk: 7_777), text)
        XCTAssertEqual(stream.offset, Int64(text.count))
    }

    func testGzipAndZlibRoundTrip() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        for (gzip, format) in [(true, CorpusFormat.gzip), (false, .zlib)] {
            let path = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: gzip),
                                                to: directory.appendingPathComponent("text.\(format)"))
            let stream = try ByteStream(path: path)
            XCTAssertEqual(stream.format, format)
            XCTAssertEqual(try CorpusFixtures.readAll(stream, chunk: 65_536), text, "\(format)")
            XCTAssertEqual(stream.offset, Int64(text.count))
            // The end stays the end.
            var byte: UInt8 = 0
            XCTAssertEqual(try withUnsafeMutableBytes(of: &byte) { try stream.read(into: $0) }, 0)
        }
    }

    func testMultiMemberGzipIsTheConcatenation() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let parts = [Array(text[0..<100_000]), [], Array(text[100_000..<100_001]), Array(text[100_001...])]
        let file = parts.flatMap { CorpusFixtures.deflated($0, gzip: true) }
        let path = try CorpusFixtures.write(file, to: directory.appendingPathComponent("members.gz"))
        // Odd chunk sizes put member boundaries at every place within a read.
        for chunk in [1, 4_093, 1 << 20] {
            XCTAssertEqual(try CorpusFixtures.readAll(ByteStream(path: path), chunk: chunk), text, "chunk \(chunk)")
        }
    }

    func testFilesWrittenByGzipAndPigz() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let source = try CorpusFixtures.write(text, to: directory.appendingPathComponent("source.txt"))
        var tested = 0
        for (tool, arguments) in [("gzip", ["-c", "-9"]), ("pigz", ["-c", "-p", "2", "-b", "32"])] {
            guard let program = CorpusFixtures.program(tool) else { continue }
            let single = directory.appendingPathComponent("\(tool).gz").path
            XCTAssertEqual(try CorpusFixtures.run(program, arguments + [source], stdout: single), 0)
            // `cat a.gz b.gz`: two members, one after the other.
            let double = directory.appendingPathComponent("\(tool)-twice.gz")
            let member = try Array(Data(contentsOf: URL(fileURLWithPath: single)))
            _ = try CorpusFixtures.write(member + member, to: double)
            XCTAssertEqual(try CorpusFixtures.readAll(ByteStream(path: single)), text, tool)
            XCTAssertEqual(try CorpusFixtures.readAll(ByteStream(path: double.path)), text + text, tool)
            tested += 1
        }
        if tested == 0 { throw XCTSkip("neither gzip nor pigz is installed") }
    }

    func testRealCorpusMatchesGzip() throws {
        guard let corpus = CorpusFixtures.sharedCorpus, let gzip = CorpusFixtures.program("gzip") else {
            throw XCTSkip("needs ../shared/corpora/enwik8-head.gz and gzip")
        }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let plain = directory.appendingPathComponent("enwik8-head").path
        XCTAssertEqual(try CorpusFixtures.run(gzip, ["-dc", corpus], stdout: plain), 0)
        let expected = try Array(Data(contentsOf: URL(fileURLWithPath: plain)))
        let stream = try ByteStream(path: corpus)
        XCTAssertEqual(stream.format, .gzip)
        XCTAssertEqual(try CorpusFixtures.readAll(stream, chunk: 1 << 20), expected)
    }

    func testSkipThenReadContinuesAtTheRightByte() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let files = [
            try CorpusFixtures.write(text, to: directory.appendingPathComponent("plain.txt")),
            try CorpusFixtures.write(CorpusFixtures.deflated(Array(text[..<150_000]), gzip: true)
                                     + CorpusFixtures.deflated(Array(text[150_000...]), gzip: true),
                                     to: directory.appendingPathComponent("two.gz")),
            try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: false), to: directory.appendingPathComponent("z.zlib")),
        ]
        for path in files {
            for (first, second) in [(0, 10), (1, 149_999), (149_999, 1), (123_456, 99_000), (299_999, 0)] {
                let stream = try ByteStream(path: path)
                try stream.skip(Int64(first))
                try stream.skip(Int64(second))
                XCTAssertEqual(stream.offset, Int64(first + second))
                var window = [UInt8](repeating: 0, count: 1_000)
                let n = try window.withUnsafeMutableBytes { try stream.read(into: $0) }
                let start = first + second
                XCTAssertEqual(Array(window[0..<n]), Array(text[start..<min(start + 1_000, text.count)]), "\(path) @\(start)")
            }
            let stream = try ByteStream(path: path)
            XCTAssertThrowsError(try stream.skip(Int64(text.count) + 1)) { error in
                XCTAssertTrue("\(error)".contains("short of byte \(text.count + 1)"), "\(error)")
            }
        }
    }

    func testTextThatStartsLikeAZlibHeaderIsPlain() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        // Each pair is a valid zlib header without a preset dictionary.
        for head in ["x^", "HK", "8O", "(S", "XG", "hC"] {
            let bytes = Array(head.utf8)
            XCTAssertEqual((UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31, 0, head)
            let content = Array((head + " is how this plain text begins, and it goes on.\n").utf8) + text.prefix(5_000)
            let path = try CorpusFixtures.write(content, to: directory.appendingPathComponent("starts.txt"))
            let stream = try ByteStream(path: path)
            XCTAssertEqual(stream.format, .plain, head)
            XCTAssertEqual(try CorpusFixtures.readAll(stream), content, head)
        }
    }

    func testEmptyAndOneByteFilesArePlain() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        for content in [[], [0x1f], [UInt8(ascii: "x")]] as [[UInt8]] {
            let stream = try ByteStream(path: CorpusFixtures.write(content, to: directory.appendingPathComponent("tiny")))
            XCTAssertEqual(stream.format, .plain)
            XCTAssertEqual(try CorpusFixtures.readAll(stream), content)
        }
    }
}
