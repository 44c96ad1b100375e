import Foundation
import XCTest
import ACTLM

/// `actlm eval` end to end: its numbers are the network's on the same text.
final class EvalCommandTests: XCTestCase {
    private let model = CommandFixtures.randomModel(layers: 2, hidden: 16)
    private let text = CommandFixtures.text(bytes: 20_000, seed: 11)

    private func workspace() throws -> String {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(model, to: directory + "/run/best.ckpt")
        _ = try CorpusFixtures.write(text, to: URL(fileURLWithPath: directory + "/heldout.txt"))
        _ = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: true),
                                     to: URL(fileURLWithPath: directory + "/heldout.txt.gz"))
        return directory
    }

    func testJSONHasTheNetworksBitsPerCharacterAndPonder() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt", "--json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])

        // The reference: the network itself over the whole text in one window.
        let network = Network<Float>(config: model.config, batch: 1, seq: text.count - 1, tau: 0)
        let loss = network.forward(parameters: model.parameters, inputs: Array(text.dropLast()),
                                   targets: Array(text.dropFirst()))
        XCTAssertEqual(try XCTUnwrap(object["bpc"] as? Double), loss.bitsPerCharacter,
                       accuracy: 1e-5 * loss.bitsPerCharacter)
        XCTAssertEqual(object["bytes"] as? Int, text.count)
        XCTAssertEqual(object["predicted_bytes"] as? Int, text.count - 1)

        let meanPonder = try XCTUnwrap(object["mean_ponder"] as? [Double])
        XCTAssertEqual(meanPonder.count, 2)
        // The last byte is read but predicts nothing; its ρ belongs to the mean over all bytes read.
        network.forward(parameters: model.parameters, inputs: [text.last!], targets: nil)
        for l in 0..<2 {
            let mean = (loss.ponder[l] + Double(network.rho(layer: l)[0])) / Double(text.count)
            XCTAssertEqual(meanPonder[l], mean, accuracy: 1e-4)
        }
        let ratio = try XCTUnwrap(object["boundary_inside_ratio"] as? [Any])
        XCTAssertEqual(ratio.count, 2)
        XCTAssertTrue(ratio.allSatisfy { $0 is Double })
        let ponder = try XCTUnwrap(object["ponder"] as? [String: Any])
        XCTAssertEqual((ponder["classes"] as? [Any])?.count, CharacterClass.allCases.count)
        XCTAssertEqual((object["config"] as? [String: Any])?["hidden"] as? Int, 16)
    }

    func testGzipAndPlainTextScoreTheSame() throws {
        let directory = try workspace()
        let plain = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt", "--json"], in: directory)
        let gzip = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt.gz", "--json"], in: directory)
        let folder = try ActlmBinary.run(["eval", "run", "-", "--json"], in: directory,
                                         stdin: directory + "/heldout.txt.gz")
        XCTAssertEqual(gzip.status, 0, gzip.stderr)
        XCTAssertEqual(folder.status, 0, folder.stderr)
        func bpc(_ output: ChildProcess.Output) throws -> Double? {
            (try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])?["bpc"] as? Double
        }
        XCTAssertEqual(try bpc(plain), try bpc(gzip))
        XCTAssertEqual(try bpc(plain), try bpc(folder))
    }

    func testReportForPeople() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let expected = try TextRunner(model: model).run(bytes: text)
        for line in ["checkpoint       run/best.ckpt (2 layers of 16, M = 4)",
                     "text             heldout.txt (plain, 20000 bytes)",
                     "bpc              " + String(format: "%.4f", expected.bitsPerCharacter!) + " over 19999 predicted bytes",
                     "mean ρ           layer 1 ", "boundary/inside  layer 1 ",
                     "Mean ponder cost ρ = N + R by character class"] {
            XCTAssertTrue(output.text.contains(line), "«\(line)» is missing from:\n\(output.text)")
        }
    }

    func testErrorsSayWhatIsWrong() throws {
        let directory = try workspace()
        func failure(_ arguments: [String]) throws -> String {
            let output = try ActlmBinary.run(arguments, in: directory)
            XCTAssertNotEqual(output.status, 0, "\(arguments) should fail")
            return output.stderr
        }
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "missing.txt"]).contains("cannot open the text 'missing.txt'"))
        XCTAssertTrue(try failure(["eval", "run/none.ckpt", "heldout.txt"]).contains("run/none.ckpt: no such checkpoint"))
        XCTAssertTrue(try failure(["eval", "heldout.txt", "heldout.txt"]).contains("not an actlm checkpoint"))
        let gzip = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/heldout.txt.gz")))
        _ = try CorpusFixtures.write(Array(gzip.dropLast(200)), to: URL(fileURLWithPath: directory + "/cut.gz"))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "cut.gz"]).contains("'cut.gz' is truncated"))
        _ = FileManager.default.createFile(atPath: directory + "/one.txt", contents: Data("x".utf8))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "one.txt"]).contains("at least 2 bytes"))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt"]).contains("Missing expected argument"))
    }
}
