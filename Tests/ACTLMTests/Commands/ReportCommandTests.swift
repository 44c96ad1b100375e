import Foundation
import XCTest
import ACTLM

/// `actlm report` end to end: the built binary on a tiny real training run.
final class ReportCommandTests: XCTestCase {
    private let tiny = ["--layers", "2", "--hidden", "16", "--max-ponder", "4", "--batch", "4", "--seq", "16",
                        "--valid-chars", "2000", "--valid-fraction", "0.1", "--trace-chars", "80", "--lr", "0.01",
                        "--warmup", "2", "--halting-warmup", "4"]

    func testTrainThenReportOnTheFolderAndItsBestCheckpoint() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpus = try TrainingFixtures.corpus(in: directory)
        let train = try ActlmBinary.run(["train", corpus, "--steps", "16", "--eval-every", "8", "--log-every", "4",
                                              "--run-name", "cli"] + tiny, in: directory.path)
        XCTAssertEqual(train.status, 0, train.stderr)
        let folder = RunFolder(path: directory.path + "/checkpoints/cli")
        XCTAssertNil(XMLCollector.parse(try XCTUnwrap(TrainingFixtures.bytes(folder.report))).error,
                     "the trainer's report.html")

        let report = try ActlmBinary.run(["report", "checkpoints/cli", "checkpoints/cli/best.ckpt",
                                               "-o", "both.html", "--curves-svg", "curves.svg"], in: directory.path)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(report.stderr, "wrote both.html (2 runs) and curves.svg\n")
        let page = try XCTUnwrap(TrainingFixtures.bytes(directory.path + "/both.html"))
        XCTAssertNil(XMLCollector.parse(page).error)
        let counts = ReportFixtures.pointCounts(page)
        XCTAssertEqual(counts["Training bpc by bytes read"], ["cli": 4, "cli (best.ckpt)": 4])
        XCTAssertEqual(counts["Validation bpc by wall time"], ["cli": 2, "cli (best.ckpt)": 2])

        let figure = try XCTUnwrap(TrainingFixtures.bytes(directory.path + "/curves.svg"))
        let xml = XMLCollector.parse(figure)
        XCTAssertNil(xml.error)
        XCTAssertEqual(xml.root?.name, "svg")
        XCTAssertEqual(ReportFixtures.pointCounts(figure), [
            "Validation bpc by bytes read": ["cli": 2, "cli (best.ckpt)": 2],
            "Validation bpc by wall time": ["cli": 2, "cli (best.ckpt)": 2],
        ])
    }

    func testAPathThatIsNotARunIsNamed() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let output = try ActlmBinary.run(["report", "no-such-run", "-o", "r.html"], in: directory.path)
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("no-such-run: not a training run to report on: there is no such file or folder."),
                      output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/r.html"))
    }
}
