import Foundation
import XCTest
import ACTLM

/// Constant memory on a stream of hundreds of MB, and decompression speed against `gzip -dc`.
final class CorpusPerformanceTests: XCTestCase {
    /// A value from /proc/self/status, in bytes.
    private func status(_ key: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(key + ":") })
        let kilobytes = try XCTUnwrap(Int(line.split(separator: " ")[1]))
        return kilobytes * 1024
    }

    func testSlowHundredsOfMegabytesPassInConstantMemory() throws {
        // Writing "5" to clear_refs resets the peak (VmHWM) to the current RSS, so the peak below is this test's own.
        guard FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs") else {
            throw XCTSkip("needs Linux's /proc/self/clear_refs to measure this test's peak memory")
        }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        // 1 MiB that compresses about 100:1, as 320 gzip members: 320 MiB of text in a file of a few MB.
        let block = CorpusFixtures.text(bytes: 64 * 1024, seed: 5)
        let member = CorpusFixtures.deflated(Array([[UInt8]](repeating: block, count: 16).joined()), gzip: true, level: 9)
        let path = directory.appendingPathComponent("big.gz").path
        let handle = try CorpusFixtures.openForWriting(path)
        for _ in 0..<320 { handle.write(Data(member)) }
        try handle.close()
        let total = Int64(320 << 20)

        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = try status("VmRSS")
        let started = Date()
        // One scan, 64 training streams opened by one walk through the training part, a few windows,
        // and the whole validation part: about 950 MiB decompressed.
        let corpus = try Corpus(path: path)
        XCTAssertEqual(corpus.info.totalBytes, total)
        XCTAssertEqual(corpus.info.distinctBytes, Set(block).count)
        let batches = try corpus.batches(batch: 64, seq: 256)
        var window = BatchWindow(batch: 64, seq: 256)
        for _ in 0..<10 { try batches.next(into: &window) }
        let valid = try corpus.validationStream()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var validBytes: Int64 = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try valid.read(into: $0) }
            if n == 0 { break }
            validBytes += Int64(n)
        }
        XCTAssertEqual(validBytes, corpus.info.validBytes)
        let seconds = Date().timeIntervalSince(started)
        let growth = try status("VmHWM") - before
        print(String(format: "constant memory: a %d MiB corpus scanned, 64 streams opened, validation read in %.2f s; "
                     + "peak RSS grew by %.1f MiB (from %.1f MiB)", total >> 20, seconds,
                     Double(growth) / 1_048_576, Double(before) / 1_048_576))
        XCTAssertLessThan(growth, 24 << 20, "the reader's memory grows with the corpus")
    }

    /// MB/s of decompressed output, best of three runs each, alternating so both see the same load.
    func testTimingThroughputAgainstGzip() throws {
        guard let gzip = CorpusFixtures.program("gzip") else { throw XCTSkip("gzip is not installed") }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = directory.appendingPathComponent("bench.gz").path
        if let shared = CorpusFixtures.sharedCorpus {
            let member = try Data(contentsOf: URL(fileURLWithPath: shared))
            try Data([Data](repeating: member, count: 8).joined()).write(to: URL(fileURLWithPath: path))
        } else {
            let text = CorpusFixtures.text(bytes: 32 << 20, seed: 11)
            _ = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: true), to: URL(fileURLWithPath: path))
        }
        var readerBest = Double.infinity
        var gzipBest = Double.infinity
        var bytes: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<3 {
            var started = Date()
            let stream = try ByteStream(path: path)
            while try buffer.withUnsafeMutableBytes({ try stream.read(into: $0) }) > 0 {}
            readerBest = min(readerBest, Date().timeIntervalSince(started))
            bytes = stream.offset
            started = Date()
            XCTAssertEqual(try CorpusFixtures.run(gzip, ["-dc", path], stdout: "/dev/null"), 0)
            gzipBest = min(gzipBest, Date().timeIntervalSince(started))
        }
        let readerRate = Double(bytes) / readerBest / 1e6
        let gzipRate = Double(bytes) / gzipBest / 1e6
        print(String(format: "throughput on %@ (%.1f MB decompressed): ByteStream %.0f MB/s, gzip -dc %.0f MB/s",
                     CorpusFixtures.sharedCorpus == nil ? "generated text" : "enwik8-head.gz ×8",
                     Double(bytes) / 1e6, readerRate, gzipRate))
        // Both run zlib-style inflate; the reader should not be far behind the tool (loose: the machine is shared).
        XCTAssertGreaterThan(readerRate, 0.5 * gzipRate)
    }
}
