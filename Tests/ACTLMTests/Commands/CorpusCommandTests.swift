import Foundation
import XCTest
import ACTLM

/// `actlm corpus` end to end: the built binary on real files, as a user runs it.
final class CorpusCommandTests: XCTestCase {
    private func actlm(_ arguments: [String], stdin: String? = nil) throws -> ChildProcess.Output {
        try ActlmBinary.run(arguments, in: try CorpusFixtures.temporaryDirectory(for: self).path, stdin: stdin)
    }

    private func sample() throws -> (path: String, text: [UInt8]) {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let text = CorpusFixtures.text(bytes: 50_000, seed: 21)
        let path = try CorpusFixtures.write(CorpusFixtures.deflated(Array(text[..<20_000]), gzip: true)
                                            + CorpusFixtures.deflated(Array(text[20_000...]), gzip: true),
                                            to: directory.appendingPathComponent("small.gz"))
        return (path, text)
    }

    func testJSONReport() throws {
        let (path, text) = try sample()
        let output = try actlm(["corpus", path, "--json", "--valid-fraction", "0.1"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        XCTAssertEqual(object["path"] as? String, path)
        XCTAssertEqual(object["format"] as? String, "gzip")
        XCTAssertEqual(object["bytes"] as? Int, 50_000)
        XCTAssertEqual(object["distinct_bytes"] as? Int, Set(text).count)
        XCTAssertEqual(object["train_bytes"] as? Int, 45_000)
        XCTAssertEqual(object["valid_bytes"] as? Int, 5_000)
        XCTAssertEqual(output.text.split(separator: "\n").count, 1, "one JSON object on one line")
    }

    func testReportForPeople() throws {
        let (path, text) = try sample()
        let output = try actlm(["corpus", path])
        XCTAssertEqual(output.status, 0, output.stderr)
        for line in ["format      gzip", "bytes       50,000", "distinct    \(Set(text).count) of 256 byte values",
                     "train       47,500 bytes", "validation  2,500 bytes, the last 5.0% of the corpus"] {
            XCTAssertTrue(output.text.contains(line), "«\(line)» is missing from:\n\(output.text)")
        }
    }

    func testStandardInput() throws {
        let (path, _) = try sample()
        let output = try actlm(["corpus", "-", "--json"], stdin: path)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.text.contains("\"bytes\":50000"), output.text)
        XCTAssertTrue(output.text.contains("\"format\":\"gzip\""), output.text)
    }

    func testMissingAndDamagedFilesExitNonZeroWithTheMessageOnStderr() throws {
        let (path, _) = try sample()
        var damaged = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        damaged.removeLast(3)
        let cut = try CorpusFixtures.write(damaged, to: URL(fileURLWithPath: path + ".cut"))
        let missing = path + ".missing"
        for (file, words) in [(missing, "cannot open corpus '\(missing)'"),
                              (cut, "'\(cut)' is truncated: its gzip data stops at compressed byte \(damaged.count)")] {
            let output = try actlm(["corpus", file, "--json"])
            XCTAssertNotEqual(output.status, 0)
            XCTAssertEqual(output.text, "")
            XCTAssertTrue(output.stderr.contains(words), output.stderr)
        }
    }
}
