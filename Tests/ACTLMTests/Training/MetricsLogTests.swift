import Foundation
import XCTest
import ACTLM

final class MetricsLogTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self).path
    }

    private func record(_ step: Int, valid: Double? = nil) -> MetricsRecord {
        MetricsRecord(step: step, chars: step * 2048, elapsedSeconds: Double(step) * 0.5, trainBPC: 3 - Double(step) / 1000,
                      validBPC: valid, learningRate: 2e-3, gradNorm: 0.75, meanRho: [2.27, 1.5],
                      charsPerSecond: 4096)
    }

    private func fileLines() -> [String] {
        let text = String(decoding: FileManager.default.contents(atPath: directory + "/metrics.jsonl") ?? Data(), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func testJSONLineLayout() {
        XCTAssertEqual(record(100, valid: 2.5).jsonLine,
                       "{\"step\":100,\"chars\":204800,\"elapsed_s\":50.0,\"train_bpc\":2.9,\"valid_bpc\":2.5,"
                       + "\"lr\":0.002,\"grad_norm\":0.75,\"mean_rho\":[2.27,1.5],\"chars_per_s\":4096.0}")
        XCTAssertFalse(record(100).jsonLine.contains("valid_bpc"))
    }

    func testEachAppendIsOnDiskAtOnce() throws {
        let log = try MetricsLog(directory: directory)
        XCTAssertEqual(log.path, directory + "/metrics.jsonl")
        try log.append(record(1))
        XCTAssertEqual(fileLines(), [record(1).jsonLine, ""])
        try log.append(record(2, valid: 2.8))
        XCTAssertEqual(fileLines(), [record(1).jsonLine, record(2, valid: 2.8).jsonLine, ""])
        XCTAssertEqual(try MetricsLog.read(path: log.path), [record(1), record(2, valid: 2.8)])
        XCTAssertEqual(log.records, [record(1), record(2, valid: 2.8)])
    }

    func testNonFiniteValuesSurvive() throws {
        var diverged = record(3)
        diverged.gradNorm = .infinity
        diverged.trainBPC = .nan
        diverged.meanRho = [-.infinity]
        let log = try MetricsLog(directory: directory)
        try log.append(diverged)
        XCTAssertTrue(diverged.jsonLine.contains("\"grad_norm\":\"inf\""), diverged.jsonLine)
        let back = try XCTUnwrap(try MetricsLog.read(path: log.path).first)
        XCTAssertEqual(back.gradNorm, .infinity)
        XCTAssertTrue(back.trainBPC.isNaN)
        XCTAssertEqual(back.meanRho, [-.infinity])
    }

    /// Resuming from a checkpoint rewrites the log to the checkpoint's history: lines an interrupted run
    /// wrote after its last checkpoint are dropped, since the resumed run writes those steps again.
    func testResumingRewritesTheFileToTheHistory() throws {
        let first = try MetricsLog(directory: directory)
        for step in 1...5 { try first.append(record(step)) }
        let checkpointHistory = Array(first.records.prefix(3))

        let resumed = try MetricsLog(directory: directory + "/", history: checkpointHistory)
        try resumed.append(record(4, valid: 2.0))
        XCTAssertEqual(try MetricsLog.read(path: resumed.path), checkpointHistory + [record(4, valid: 2.0)])
        XCTAssertEqual(resumed.records.count, 4)
    }

    func testHistoryEncodingRoundTrip() throws {
        let log = try MetricsLog(directory: directory)
        try log.append(record(1))
        try log.append(record(2, valid: 2.5))
        var writer = ByteWriter()
        log.encodeHistory(into: &writer)
        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(try MetricsLog.decodeHistory(from: &reader), log.records)
        try reader.expectEnd()

        for cut in stride(from: 0, to: writer.count, by: 13) {
            var short = ByteReader(Array(writer.bytes[0..<cut]))
            XCTAssertThrowsError(try MetricsLog.decodeHistory(from: &short), "cut at \(cut)")
        }
        var empty = ByteWriter()
        MetricsLog.encode([], into: &empty)
        var emptyReader = ByteReader(empty.bytes)
        XCTAssertEqual(try MetricsLog.decodeHistory(from: &emptyReader), [])
    }

    func testErrorsNameTheFile() throws {
        let missing = directory + "/no/such/run"
        XCTAssertThrowsError(try MetricsLog(directory: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing)/metrics.jsonl: metrics log: cannot create it: No such file or directory. "
                           + "Check that the run folder exists, is writable and has free space.")
        }
        let path = directory + "/bad.jsonl"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data((record(1).jsonLine + "\n{\"step\":2}\n").utf8)))
        XCTAssertThrowsError(try MetricsLog.read(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): metrics log: line 2 is not a metrics record"), "\(error)")
        }
    }
}
