import Foundation
import XCTest
import ACTLM

/// What a user does first: `actlm train`, then sample, eval and ponder-map on what it wrote, with no
/// --checkpoint given.
final class TrainThenUseTests: XCTestCase {
    func testCommandsUseTheCheckpointTrainingJustWrote() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        _ = try CorpusFixtures.write(TrainingText.multilingual(bytes: 60_000),
                                     to: URL(fileURLWithPath: directory + "/corpus.txt"))
        let train = try ActlmBinary.run(["train", "corpus.txt", "--layers", "1", "--hidden", "24",
                                         "--max-ponder", "3", "--batch", "8", "--seq", "32", "--steps", "150",
                                         "--eval-every", "50", "--lr", "0.01", "--warmup", "0", "--run-name", "first"],
                                        in: directory)
        XCTAssertEqual(train.status, 0, train.stderr + train.text)
        let newest = try CheckpointLocator.newest(under: directory + "/checkpoints")
        XCTAssertTrue(newest.hasPrefix(directory + "/checkpoints/first/"), newest)

        let sample = try ActlmBinary.run(["sample", "--length", "100", "--seed", "1", "--prime", "Grüße"],
                                         in: directory)
        XCTAssertEqual(sample.status, 0, sample.stderr)
        XCTAssertEqual(sample.stdout.count, "Grüße".utf8.count + 100)

        let eval = try ActlmBinary.run(["eval", "checkpoints", "corpus.txt", "--json"], in: directory)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(eval.stdout)) as? [String: Any])
        let model = try TrainedModel.load(newest)
        let expected = try TextScorer(config: model.config).run(parameters: model.parameters,
                                                                bytes: TrainingText.multilingual(bytes: 60_000))
        XCTAssertEqual(object["checkpoint"] as? String, "checkpoints/" + newest.dropFirst(directory.count + 13))
        XCTAssertEqual(try XCTUnwrap(object["bpc"] as? Double), expected.bitsPerCharacter!, accuracy: 1e-6)
        XCTAssertLessThan(expected.bitsPerCharacter!, 5, "150 steps teach a model something about this text")

        let map = try ActlmBinary.run(["ponder-map", "corpus.txt", "--format", "tsv"], in: directory)
        XCTAssertEqual(map.status, 0, map.stderr)
        XCTAssertEqual(map.stdout.filter { $0 == 0x0A }.count, 60_001, "a header and a row per byte")
    }
}
