import Foundation
import XCTest
import ACTLM

final class CorpusTests: XCTestCase {
    private let text = CorpusFixtures.text(bytes: 120_000, seed: 3)

    /// The same text as a plain file, a three-member gzip file and a zlib stream.
    private func files(of data: [UInt8]) throws -> [String] {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let third = data.count / 3
        let members = [data[..<third], data[third..<(2 * third)], data[(2 * third)...]]
            .flatMap { CorpusFixtures.deflated(Array($0), gzip: true) }
        return [
            try CorpusFixtures.write(data, to: directory.appendingPathComponent("c.txt")),
            try CorpusFixtures.write(members, to: directory.appendingPathComponent("c.gz")),
            try CorpusFixtures.write(CorpusFixtures.deflated(data, gzip: false), to: directory.appendingPathComponent("c.zlib")),
        ]
    }

    func testScanCountsBytesDistinctValuesAndTheSplit() throws {
        for (path, format) in zip(try files(of: text), [CorpusFormat.plain, .gzip, .zlib]) {
            let info = try Corpus.scan(path: path, validFraction: 0.1)
            XCTAssertEqual(info, CorpusInfo(path: path, format: format, totalBytes: 120_000,
                                            distinctBytes: Set(text).count, trainBytes: 108_000, validBytes: 12_000))
            XCTAssertEqual(try Corpus(path: path).info.validBytes, 6_000)  // 5% by default
        }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let allValues = try CorpusFixtures.write((0...255).map { UInt8($0) } + [7], to: directory.appendingPathComponent("all"))
        let info = try Corpus.scan(path: allValues, validFraction: 0.01)
        XCTAssertEqual(info.distinctBytes, 256)
        XCTAssertEqual(info.totalBytes, 257)
        XCTAssertEqual(info.validBytes, 2)  // 2.57 rounds down
        XCTAssertEqual(info.trainBytes, 255)
    }

    func testValidationIsTheEndOfTheFileAndNeverTrainingBytes() throws {
        for path in try files(of: text) {
            let corpus = try Corpus(path: path, validFraction: 0.25)
            XCTAssertEqual(corpus.info.trainBytes + corpus.info.validBytes, Int64(text.count))
            let expected = Array(text[Int(corpus.info.trainBytes)...])
            // The second stream starts from the parked copy instead of decompressing up to it again.
            XCTAssertEqual(try CorpusFixtures.readAll(corpus.validationStream(), chunk: 4_099), expected, path)
            XCTAssertEqual(try CorpusFixtures.readAll(corpus.validationStream(), chunk: 65_536), expected, path)
            // Twice round the ring, every byte the streams see is the training byte at their position.
            let batches = try corpus.batches(batch: 4, seq: 50)
            var window = BatchWindow(batch: 4, seq: 50)
            let n = Int(corpus.info.trainBytes)
            for _ in 0..<(2 * n / 50) {
                let positions = batches.positions.map { Int($0) }
                try batches.next(into: &window)
                for b in 0..<4 {
                    XCTAssertEqual((0..<50).map { window.targets[$0 * 4 + b] }, (1...50).map { text[(positions[b] + $0) % n] })
                }
            }
        }
    }

    func testSeparateValidationFile() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let held = CorpusFixtures.text(bytes: 9_999, seed: 99)
        let validPath = try CorpusFixtures.write(CorpusFixtures.deflated(held, gzip: true),
                                                 to: directory.appendingPathComponent("valid.gz"))
        let path = try files(of: text)[1]
        let corpus = try Corpus(path: path, validFraction: 0.3, validPath: validPath)
        XCTAssertEqual(corpus.info.trainBytes, Int64(text.count))
        XCTAssertEqual(corpus.info.validBytes, Int64(held.count))
        XCTAssertEqual(corpus.info.validPath, validPath)
        XCTAssertEqual(try CorpusFixtures.readAll(corpus.validationStream(), chunk: 1_000), held)
    }

    /// Stream b starts at b·N/B and window k holds ring bytes s_b + kT … s_b + kT + T.
    func testWindowsAreConsecutiveTimeMajorAndWrapAround() throws {
        let small = Array(text.prefix(5_000))
        for path in try files(of: small) {
            let corpus = try Corpus(path: path, validFraction: 0.1)
            let n = Int(corpus.info.trainBytes)
            XCTAssertEqual(n, 4_500)
            let (batch, seq) = (3, 64)
            let batches = try corpus.batches(batch: batch, seq: seq)
            XCTAssertEqual(batches.charsPerWindow, batch * seq)
            let starts = (0..<batch).map { $0 * n / batch }
            XCTAssertEqual(batches.positions, starts.map(Int64.init))
            var window = BatchWindow(batch: batch, seq: seq)
            for k in 0..<300 {  // 300·64 bytes: every stream goes round the ring four times
                try batches.next(into: &window)
                for b in 0..<batch {
                    let first = starts[b] + k * seq
                    let inputs = (0..<seq).map { window.inputs[$0 * batch + b] }
                    let targets = (0..<seq).map { window.targets[$0 * batch + b] }
                    XCTAssertEqual(inputs, (0..<seq).map { small[(first + $0) % n] }, "\(path) window \(k) stream \(b)")
                    XCTAssertEqual(targets, (0..<seq).map { small[(first + $0 + 1) % n] }, "\(path) window \(k) stream \(b)")
                }
                XCTAssertEqual(batches.positions, starts.map { Int64(($0 + (k + 1) * seq) % n) })
            }
        }
    }

    func testRestoredPositionsContinueExactly() throws {
        for path in try files(of: text) {
            let corpus = try Corpus(path: path)
            let original = try corpus.batches(batch: 5, seq: 200)
            var window = BatchWindow(batch: 5, seq: 200)
            for _ in 0..<137 { try original.next(into: &window) }  // past the wrap of the last stream
            let restored = try Corpus(path: path).batches(batch: 5, seq: 200, positions: original.positions)
            XCTAssertEqual(restored.positions, original.positions)
            var other = BatchWindow(batch: 5, seq: 200)
            for k in 0..<200 {
                try original.next(into: &window)
                try restored.next(into: &other)
                XCTAssertEqual(window.inputs, other.inputs, "\(path) window \(k)")
                XCTAssertEqual(window.targets, other.targets, "\(path) window \(k)")
            }
            XCTAssertEqual(restored.positions, original.positions)
        }
    }

    func testRealCorpusStartup() throws {
        guard let path = CorpusFixtures.sharedCorpus else { throw XCTSkip("needs ../shared/corpora/enwik8-head.gz") }
        let start = Date()
        let corpus = try Corpus(path: path)
        let scanned = Date()
        let batches = try corpus.batches(batch: 64, seq: 100)
        let opened = Date()
        let all = try CorpusFixtures.readAll(ByteStream(path: path), chunk: 1 << 20)
        XCTAssertEqual(corpus.info.totalBytes, Int64(all.count))
        var window = BatchWindow(batch: 64, seq: 100)
        try batches.next(into: &window)
        let n = Int(corpus.info.trainBytes)
        for b in [0, 1, 63] {
            let first = b * n / 64
            XCTAssertEqual((0..<100).map { window.inputs[$0 * 64 + b] }, Array(all[first..<(first + 100)]))
        }
        print(String(format: "enwik8-head (%d bytes): scan %.3f s, opening 64 streams %.3f s",
                     all.count, scanned.timeIntervalSince(start), opened.timeIntervalSince(scanned)))
    }
}
