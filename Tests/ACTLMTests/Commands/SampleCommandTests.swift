import Foundation
import XCTest
import ACTLM

/// `actlm sample` end to end.
final class SampleCommandTests: XCTestCase {
    private func workspace(_ model: TrainedModel = CommandFixtures.randomModel()) throws -> String {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(model, to: directory + "/checkpoints/run/latest.ckpt")
        return directory
    }

    func testTheSameSeedGivesTheSameBytes() throws {
        let directory = try workspace()
        let a = try ActlmBinary.run(["sample", "--length", "400", "--seed", "7"], in: directory)
        let b = try ActlmBinary.run(["sample", "--length", "400", "--seed", "7"], in: directory)
        let c = try ActlmBinary.run(["sample", "--length", "400", "--seed", "8"], in: directory)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout.count, 400, "exactly --length bytes")
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertNotEqual(a.stdout, c.stdout)
        XCTAssertTrue(a.stderr.isEmpty, a.stderr)
    }

    func testTheOutputStartsWithThePrimeAndMatchesTheLibrary() throws {
        let model = CommandFixtures.randomModel()
        let directory = try workspace(model)
        let prime = "Über die Zeit: "
        let output = try ActlmBinary.run(["sample", "--prime", prime, "--length", "200", "--seed", "3",
                                          "--temperature", "0.8", "--top-k", "20"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(Array(output.stdout.prefix(prime.utf8.count)), Array(prime.utf8))
        XCTAssertEqual(output.stdout.count, prime.utf8.count + 200)

        let generator = TextGenerator(model: model, sampler: try Sampler(temperature: 0.8, topK: 20, seed: 3))
        generator.read(Array(prime.utf8))
        XCTAssertEqual(Array(output.stdout.dropFirst(prime.utf8.count)), (0..<200).map { _ in generator.next().byte })
    }

    func testShowPonderColoursTheSameText() throws {
        let directory = try workspace()
        let plain = try ActlmBinary.run(["sample", "--prime", "The ", "--length", "300", "--seed", "5"],
                                        in: directory)
        let coloured = try ActlmBinary.run(["sample", "--prime", "The ", "--length", "300", "--seed", "5",
                                            "--show-ponder"], in: directory)
        XCTAssertEqual(coloured.status, 0, coloured.stderr)
        XCTAssertTrue(coloured.stdout.contains(0x1B), "colour escapes")
        let text = stripEscapes(coloured.stdout)
        let legend = text.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        XCTAssertTrue(String(decoding: text[legend...], as: UTF8.self).isEmpty)
        let body = Array(text[..<text.index(before: legend)])
        XCTAssertTrue(String(decoding: body, as: UTF8.self).contains("ponder (ρ summed over layers)"))
        XCTAssertTrue(body.starts(with: plain.stdout), "the coloured text is the plain sample")
    }

    func testBadOptionsSayWhatToGive() throws {
        let directory = try workspace()
        func failure(_ arguments: [String], in folder: String? = nil) throws -> String {
            try ActlmBinary.failure(arguments, in: folder ?? directory)
        }
        XCTAssertTrue(try failure(["sample", "--temperature=-1"]).contains("temperature -1.0 is not usable"))
        XCTAssertTrue(try failure(["sample", "--temperature", "nan"]).contains("is not usable"))
        XCTAssertTrue(try failure(["sample", "--top-k", "300"]).contains("top-k 300 is out of range"))
        XCTAssertTrue(try failure(["sample", "--length=-5"]).contains("--length -5"))
        let empty = try CommandFixtures.temporaryDirectory(for: self)
        XCTAssertTrue(try failure(["sample"], in: empty).contains("no checkpoint to use"))
        XCTAssertTrue(try failure(["sample", "--checkpoint", "nowhere.ckpt"]).contains("nowhere.ckpt: no such checkpoint"))
    }
}

/// After brief training on UTF-8 text in several scripts, what the model writes is UTF-8 too.
final class SampleAfterTrainingTests: XCTestCase {
    func testSampleBytesDecodeAsUTF8AfterTrainingOnUTF8Text() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        _ = try CorpusFixtures.write(TrainingText.multilingual(bytes: 40_000),
                                     to: URL(fileURLWithPath: directory + "/utf8.txt"))
        let train = try ActlmBinary.run(["train", "utf8.txt", "--layers", "1", "--hidden", "32",
                                         "--max-ponder", "3", "--batch", "8", "--seq", "32",
                                         "--steps", "\(Self.trainingSteps)", "--eval-every", "250",
                                         "--lr", "0.01", "--warmup", "0"], in: directory)
        XCTAssertEqual(train.status, 0, train.stderr + train.text)
        let evaluation = try ActlmBinary.run(["eval", "checkpoints", "utf8.txt", "--json"], in: directory)
        let bpc = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(evaluation.stdout)) as? [String: Any])?["bpc"] as? Double)
        XCTAssertLessThan(bpc, 1, "training should have taught the model this text")

        for seed in 1...3 {
            let output = try ActlmBinary.run(["sample", "--length", "2000", "--seed", "\(seed)",
                                              "--temperature", "0.5", "--prime", "Grüße "], in: directory)
            XCTAssertEqual(output.status, 0, output.stderr)
            // A sample may stop inside a character; all before that must decode.
            var bytes = output.stdout
            while let last = bytes.last, last & 0xC0 == 0x80 || last >= 0xC0 { bytes.removeLast() }
            let decoded = String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0])
            XCTAssertNotNil(decoded, "seed \(seed): not UTF-8: \(String(decoding: output.stdout, as: UTF8.self))")
            XCTAssertGreaterThan(decoded?.unicodeScalars.filter { $0.value > 0x7F }.count ?? 0, 100,
                                 "seed \(seed): the sample uses the scripts it was trained on")
        }
    }

    static var trainingSteps: Int {
        Int(ProcessInfo.processInfo.environment["ACTLM_TINY_TRAINING_STEPS"] ?? "") ?? 2000
    }
}
