import Foundation
import XCTest
import ACTLM

/// experiments/run.sh, the script behind docs/results.md, end to end at a toy size.
final class ExperimentScriptTests: XCTestCase {
    /// A pair taking turns on every core: both runs trained, scored on every text and tabulated, each run's
    /// speed counted per second of its own turns, and no run left stopped.
    func testAPairTakingTurnsIsTrainedScoredAndTabulated() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpus = try CorpusFixtures.write(CorpusFixtures.text(bytes: 200_000, seed: 3),
                                              to: directory.appendingPathComponent("corpus.txt"))
        let out = directory.appendingPathComponent("out").path
        try runScript(["--corpus", corpus, "--minutes", "0.05", "--jobs", "2", "--take-turns", "1", "--out", out,
                       "--", "--hidden", "16", "--batch", "4", "--seq", "20", "--eval-every", "50"], in: directory)

        let results = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        let kindsHeader = "| run | text | " + BoundaryKind.allCases.map(\.name).joined(separator: " | ") + " |"
        XCTAssertTrue(results.contains(kindsHeader), "the by-kind table names the kinds as actlm does:\n\(results)")
        XCTAssertTrue(results.contains("| run | text | boundaries | ρ AP per layer |"), "the AP and F1 table:\n\(results)")
        for name in ["baseline-s1", "act-s1"] {
            XCTAssertTrue(results.contains("| \(name) | held-out part of corpus.txt |"), "\(name) is scored:\n\(results)")
            let eval = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name).eval.json"))) as? [String: Any]
            let bpc = try XCTUnwrap(eval?["bpc"] as? Double)
            XCTAssertTrue(bpc.isFinite && bpc > 0, "\(name): bpc \(bpc)")
            XCTAssertEqual(try String(contentsOfFile: "\(out)/\(name).turns", encoding: .utf8), "2\n",
                           "\(name) took turns with one other run")
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/\(name).pid"), "\(name) has ended")

            // runs.tsv: chars/s per second of the run's own turns, twice its rate over the wall time.
            let metrics = try String(contentsOfFile: "\(out)/runs/\(name)/metrics.jsonl", encoding: .utf8)
                .split(separator: "\n")
            let last = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(metrics.last).utf8)) as? [String: Any]
            let wallRate = try XCTUnwrap(last?["chars_per_s"] as? Double)
            let row = try XCTUnwrap(try String(contentsOfFile: out + "/runs.tsv", encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix(name + "\t") })
            XCTAssertEqual(Double(row.split(separator: "\t")[3]) ?? 0, 2 * wallRate, accuracy: 1)
        }
        for figure in ["ponder-map.svg", "learning-curves.svg", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(figure)"), "\(figure) is written")
        }
    }

    /// `--fixed-ponders 2`: the fixed-computation control trains with `--fixed-ponder 2` and is tabulated as
    /// K = 2 fixed steps with no halting unit.
    func testTheFixedControlIsTrainedAndTabulated() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpus = try CorpusFixtures.write(CorpusFixtures.text(bytes: 50_000, seed: 5),
                                              to: directory.appendingPathComponent("corpus.txt"))
        let out = directory.appendingPathComponent("out").path
        try runScript(["--corpus", corpus, "--minutes", "0.02", "--fixed-ponders", "2", "--only", "fixed-k2",
                       "--out", out, "--", "--hidden", "16", "--batch", "4", "--seq", "20", "--eval-every", "50"],
                      in: directory)

        let eval = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(out)/fixed-k2-s1.eval.json"))) as? [String: Any]
        let config = try XCTUnwrap(eval?["config"] as? [String: Any])
        XCTAssertEqual(config["ponder"] as? String, "fixed")
        XCTAssertEqual(config["max_ponder"] as? Int, 2)
        XCTAssertEqual(eval?["mean_steps"] as? [Double], [2, 2], "every byte took K = 2 steps in every layer")
        let results = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        XCTAssertTrue(results.contains("| fixed-k2-s1 | K = 2 fixed | "), results)
        XCTAssertTrue(results.contains(" | none | "), "no halting unit:\n\(results)")
    }

    /// `--only pytorch`: the user's alternative alone is tabulated, with no ponder map or report to draw (they
    /// need an actlm run). A stand-in for the Python with torch writes what experiments/pytorch_user.py writes.
    func testThePyTorchRunAloneIsTabulated() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpus = try CorpusFixtures.write(CorpusFixtures.text(bytes: 50_000, seed: 4),
                                              to: directory.appendingPathComponent("corpus.txt"))
        let python = directory.appendingPathComponent("python-with-torch").path
        try """
            #!/usr/bin/env bash
            [ "$1" = -c ] && exit 0   # run.sh asks whether torch imports
            while [ $# -gt 0 ]; do
              case "$1" in --out) out=$2; shift 2 ;; --text) keys="$keys ${2%%=*}"; shift 2 ;; *) shift ;; esac
            done
            mkdir -p "$out"
            bpc=$(for key in $keys; do printf '"%s": 2.5, ' "$key"; done)
            printf '{"steps": 10, "chars_per_s": 1000.0, "epochs": 0.5, "bpc": {%s"unused": 0}}' "$bpc" > "$out/result.json"
            """.write(toFile: python, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(python, 0o755), 0)
        let out = directory.appendingPathComponent("out").path
        try runScript(["--corpus", corpus, "--only", "pytorch", "--pytorch", python, "--out", out], in: directory)

        let results = try String(contentsOfFile: out + "/results.md", encoding: .utf8)
        XCTAssertTrue(results.contains("| pytorch nn.LSTM | 1 | 2.500 (2.500–2.500) |"), results)
        XCTAssertTrue(results.contains("the PyTorch model by experiments/pytorch_user.py"), "says who scored it:\n\(results)")
        XCTAssertFalse(results.contains("| run | M |"), "no actlm run, so no table of ponder:\n\(results)")
        for figure in ["ponder-map.svg", "report.html"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/\(figure)"), "\(figure) has no model to draw")
        }
    }

    /// Runs experiments/run.sh with the test build of actlm, its output kept in `directory`; fails the test
    /// unless the script succeeds.
    private func runScript(_ arguments: [String], in directory: URL,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let script = CorpusFixtures.packageRoot.appendingPathComponent("experiments/run.sh").path
        let child = try ChildProcess(script, arguments,
                                     stdout: directory.appendingPathComponent("run.stdout").path,
                                     stderr: directory.appendingPathComponent("run.stderr").path,
                                     environment: ["ACTLM": try ActlmBinary.path])
        let run = try child.wait()
        XCTAssertEqual(run.status, 0, run.stderr + run.text, file: file, line: line)
    }
}
