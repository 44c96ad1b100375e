import Foundation
import XCTest
import ACTLM

/// `actlm train` and `actlm inspect` end to end: the built binary on files, signalled and killed as a
/// user or a scheduler would.
final class TrainCommandTests: XCTestCase {
    private var directory: URL!
    private var corpus = ""
    private let tiny = ["--layers", "2", "--hidden", "16", "--max-ponder", "4", "--batch", "4", "--seq", "16",
                        "--valid-chars", "2000", "--valid-fraction", "0.1", "--trace-chars", "80", "--lr", "0.01",
                        "--warmup", "2"]

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self)
        corpus = try TrainingFixtures.corpus(in: directory)
    }

    private func actlm(_ arguments: [String]) throws -> ChildProcess.Output {
        try ActlmBinary.run(arguments, in: directory.path)
    }

    private func folder(_ name: String) -> RunFolder {
        RunFolder(path: directory.path + "/checkpoints/" + name)
    }

    func testTrainThenInspect() throws {
        let output = try actlm(["train", corpus, "--steps", "20", "--eval-every", "10", "--log-every", "5",
                                "--run-name", "first"] + tiny)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stderr, "")
        for words in ["run folder  checkpoints/first", "model       L=2 H=16 M=4", "stops       at step 20, or on Ctrl-C",
                      "warm-up 2 steps, cosine decay to 0.0001 from step 16 to 20",
                      "step 10 validation: bpc", "reached --steps at step 20", "saved checkpoints/first/latest.ckpt"] {
            XCTAssertTrue(output.text.contains(words), "«\(words)» not in:\n\(output.text)")
        }
        XCTAssertFalse(output.text.contains("\r"), "no progress redraws when not on a terminal")
        let run = folder("first")
        let records = try MetricsLog.read(path: run.metrics)
        XCTAssertEqual(records.map(\.step), [5, 10, 15, 20])
        XCTAssertEqual(records.compactMap(\.validBPC).count, 2)
        XCTAssertTrue(records.allSatisfy { $0.charsPerSecond > 0 })
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.best))

        let inspect = try actlm(["inspect", run.latest, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(inspect.stdout)) as? [String: Any])
        let progress = try XCTUnwrap(json["progress"] as? [String: Any])
        XCTAssertEqual(progress["step"] as? Int, 20)
        XCTAssertEqual(progress["chars"] as? Int, 20 * 64)
        let validation = try XCTUnwrap(json["validation"] as? [String: Any])
        XCTAssertEqual(validation["step"] as? Int, 20)
        XCTAssertEqual(validation["bpc"] as? Double, records.last?.validBPC)
        XCTAssertEqual((json["config"] as? [String: Any])?["hidden"] as? Int, 16)
        let ponder = try XCTUnwrap(json["ponder"] as? [String: Any])
        XCTAssertEqual((ponder["per_layer"] as? [Any])?.count, 2)
        XCTAssertEqual((ponder["classes"] as? [Any])?.count, CharacterClass.allCases.count)
        let trace = try XCTUnwrap(json["trace"] as? [String: Any])
        XCTAssertEqual((trace["text"] as? String)?.utf8.count, 80)
        XCTAssertEqual((trace["steps"] as? [[Int]])?.map(\.count), [80, 80])
        // The excerpt keeps each byte's bits, as the scorer finds them on the same bytes with the same weights.
        let bits = try XCTUnwrap(trace["bits"] as? [Any])
        XCTAssertTrue(bits.first is NSNull)
        let checkpoint = try TrainingCheckpoint.read(from: run.latest)
        var rows: [PonderMapRow] = []
        _ = try TextScorer(config: checkpoint.config).run(parameters: checkpoint.parameters,
                                                          bytes: checkpoint.ponderTrace.text) { rows.append($0) }
        XCTAssertEqual(bits.count, 80)
        for i in 1..<80 { XCTAssertEqual(try XCTUnwrap(bits[i] as? Double), Double(rows[i].bits!), accuracy: 1e-4) }
        // And the entropy of the prediction made at each byte, the excerpt's last byte included (the
        // held-out text goes on after it).
        let entropy = try XCTUnwrap(trace["entropy"] as? [Any])
        XCTAssertEqual(entropy.count, 80)
        for i in 0..<79 { XCTAssertEqual(try XCTUnwrap(entropy[i] as? Double), Double(rows[i].entropy!), accuracy: 1e-4) }
        let signals = try XCTUnwrap(json["signals"] as? [String: Any])
        XCTAssertEqual(signals["bytes"] as? Int, 78, "all but the excerpt's first and last byte")
        XCTAssertEqual(signals["losses_recorded"] as? Bool, true)
        XCTAssertEqual(signals["entropy_recorded"] as? Bool, true)
        XCTAssertTrue(signals["entropy_average_precision"] is Double, "\(signals)")
        XCTAssertEqual((signals["per_layer"] as? [Any])?.count, 2)

        let text = try actlm(["inspect", run.best])
        XCTAssertEqual(text.status, 0, text.stderr)
        for words in ["progress    step 20, 1,280 bytes", "validation  bpc", "Mean ponder cost ρ = N + R by character class",
                      "Word boundaries", "Ponder steps N per byte of the excerpt",
                      "On the held-out excerpt this validation recorded (its first 80 bytes)", "AP: average precision",
                      "  predictive entropy"] {
            XCTAssertTrue(text.text.contains(words), "«\(words)» not in:\n\(text.text)")
        }
    }

    /// Two commands with a resume between them end with the weights of one straight command.
    func testResumeLatestMatchesAStraightRun() throws {
        XCTAssertEqual(try actlm(["train", corpus, "--steps", "16", "--run-name", "straight"] + tiny).status, 0)
        // Its decay planned for the whole run, not for the first half.
        let half = try actlm(["train", corpus, "--steps", "8", "--decay-steps", "16", "--eval-every", "4",
                              "--run-name", "halves"] + tiny)
        XCTAssertEqual(half.status, 0, half.stderr)
        let resumed = try actlm(["train", "--resume", "checkpoints/halves/latest.ckpt", "--steps", "16"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.text.contains("resuming checkpoints/halves/latest.ckpt at step 8"), resumed.text)
        let a = try TrainingCheckpoint.read(from: folder("straight").latest)
        let b = try TrainingCheckpoint.read(from: folder("halves").latest)
        XCTAssertEqual(b.step, 16)
        XCTAssertEqual(a.parameters.map(\.bitPattern), b.parameters.map(\.bitPattern))
        XCTAssertEqual(a.adam, b.adam)
        XCTAssertEqual(try MetricsLog.read(path: folder("halves").metrics).last?.step, 16)

        // `latest` is the newest latest.ckpt under the checkpoint folder: now the halves run.
        let again = try actlm(["train", "--resume", "latest", "--steps", "18"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.text.contains("resuming checkpoints/halves/latest.ckpt at step 16"), again.text)

        // A run folder stands for its latest.ckpt.
        let byFolder = try actlm(["train", "--resume", "checkpoints/halves", "--steps", "19"])
        XCTAssertEqual(byFolder.status, 0, byFolder.stderr)
        XCTAssertTrue(byFolder.text.contains("resuming checkpoints/halves/latest.ckpt at step 18"), byFolder.text)
    }

    func testResumeRefusesOtherSettingsAndChangesNothing() throws {
        XCTAssertEqual(try actlm(["train", corpus, "--steps", "2", "--run-name", "r"] + tiny).status, 0)
        let run = folder("r")
        let before = TrainingFixtures.bytes(run.latest), listing = TrainingFixtures.listing(run.path)
        let output = try actlm(["train", "--resume", run.latest, "--hidden", "32", "--tau", "\(TrainingOptions.defaults.tau)",
                                 "--halting-epsilon", "0.2", "--steps", "4"])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("--hidden 32 differs from the checkpoint's 16"), output.stderr)
        XCTAssertTrue(output.stderr.contains("--halting-epsilon 0.2 differs from the checkpoint's "
                                             + "\(TrainingOptions.defaults.model.epsilon)"), output.stderr)
        XCTAssertFalse(output.stderr.contains("--tau"), "τ was given as it was: \(output.stderr)")
        XCTAssertTrue(output.stderr.contains("Drop these flags to resume"), output.stderr)
        XCTAssertEqual(TrainingFixtures.bytes(run.latest), before)
        XCTAssertEqual(TrainingFixtures.listing(run.path), listing)
    }

    /// `--byte-lr-scale` is said at the start, stored in the checkpoint, shown by inspect, and kept on resume.
    func testByteRateIsStoredAndShown() throws {
        let output = try actlm(["train", corpus, "--steps", "2", "--run-name", "b", "--byte-lr-scale", "2.5"] + tiny)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.text.contains("byte rows at 2.5× the learning rate"), output.text)
        let run = folder("b")
        let inspect = try actlm(["inspect", run.latest, "--json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(inspect.stdout)) as? [String: Any])
        XCTAssertEqual((json["options"] as? [String: Any])?["byte_learning_rate_scale"] as? Double, 2.5)
        XCTAssertTrue(try actlm(["inspect", run.latest]).text.contains("byte rows at 2.5× the learning rate"))
        let other = try actlm(["train", "--resume", run.latest, "--byte-lr-scale", "4", "--steps", "4"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("--byte-lr-scale 4.0 differs from the checkpoint's 2.5"), other.stderr)
        XCTAssertEqual(try actlm(["train", "--resume", run.latest, "--steps", "4"]).status, 0)
        let bad = try actlm(["train", corpus, "--steps", "2", "--run-name", "z", "--byte-lr-scale", "0"] + tiny)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--byte-lr-scale must be above 0"), bad.stderr)
    }

    func testSIGTERMSavesAndExitsCleanly() throws {
        let training = try ActlmBinary.start(
            ["train", corpus, "--run-name", "term", "--log-every", "5", "--eval-every", "0"] + tiny, in: directory.path)
        let run = folder("term")
        XCTAssertTrue(TrainingFixtures.wait(seconds: 60) { ((try? MetricsLog.read(path: run.metrics)) ?? []).count >= 2 })
        training.signal(SIGTERM)
        let output = try training.wait()
        XCTAssertNil(output.signal)
        XCTAssertEqual(output.status, 0)
        let stdout = output.text
        XCTAssertTrue(stdout.contains("stopped by SIGTERM at step"), stdout)
        let saved = try TrainingCheckpoint.read(from: run.latest)
        XCTAssertGreaterThanOrEqual(saved.step, 10)
        XCTAssertTrue(stdout.contains("stopped by SIGTERM at step \(saved.step):"), stdout)
    }

    /// Killed at random moments while it saves after every step, the run always leaves a loadable
    /// latest.ckpt, and resuming from it cleans up the temporary files the kills left behind.
    func testSIGKILLAlwaysLeavesALoadableCheckpoint() throws {
        let run = folder("killed")
        var random = RandomSource(seed: 11)
        var arguments = ["train", corpus, "--run-name", "killed", "--checkpoint-every", "1", "--eval-every", "0"] + tiny
        var steps: [Int] = []
        for _ in 0..<6 {
            let training = try ActlmBinary.start(arguments, in: directory.path)
            let before = steps.last ?? 0
            XCTAssertTrue(TrainingFixtures.wait(seconds: 60) {
                ((try? TrainingCheckpoint.read(from: run.latest))?.step ?? 0) > before
            }, training.stderrSoFar)
            usleep(UInt32(random.next() % 40_000))
            training.signal(SIGKILL)
            XCTAssertEqual(try training.wait().signal, SIGKILL)
            let saved = try TrainingCheckpoint.read(from: run.latest)
            XCTAssertGreaterThan(saved.step, before)
            steps.append(saved.step)
            arguments = ["train", "--resume", "latest", "--checkpoint-dir", "checkpoints"]
        }
        let last = try actlm(["train", "--resume", "latest", "--steps", "\(steps.last! + 2)"])
        XCTAssertEqual(last.status, 0, last.stderr)
        XCTAssertEqual(TrainingFixtures.listing(run.path).filter { $0.hasSuffix(".tmp") }, [])
        XCTAssertEqual(try TrainingCheckpoint.read(from: run.latest).step, steps.last! + 2)
    }

    /// Killed while the temporary file of a save is open (its bytes part-written or not yet synced): the
    /// previous latest.ckpt is still whole, and a resumed run removes the temporary left behind.
    func testSIGKILLInTheMiddleOfAWrite() throws {
        let run = folder("mid-write")
        // H = 128 makes each save a few megabytes, so the temporary file is there long enough to catch.
        let training = try ActlmBinary.start(
            ["train", corpus, "--run-name", "mid-write", "--checkpoint-every", "1", "--eval-every", "0"] + tiny
                + ["--hidden", "128"], in: directory.path)
        var caught: [String] = []
        let watch = Stopwatch()
        while caught.isEmpty && watch.seconds < 60 && training.isRunning {
            if FileManager.default.fileExists(atPath: run.latest) {
                caught = TrainingFixtures.listing(run.path).filter { $0.hasPrefix(".latest.ckpt.") && $0.hasSuffix(".tmp") }
            }
            if caught.isEmpty { usleep(200) }
        }
        training.signal(SIGKILL)
        _ = try training.wait()
        try XCTSkipIf(caught.isEmpty, "no save was caught in the middle within a minute (a very fast disk?)")
        XCTAssertGreaterThan(try TrainingCheckpoint.read(from: run.latest).step, 0)
        let resumed = try actlm(["train", "--resume", run.latest, "--steps", "\(try TrainingCheckpoint.read(from: run.latest).step + 1)"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(TrainingFixtures.listing(run.path).filter { $0.hasSuffix(".tmp") }, [])
    }

    func testDivergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws {
        let output = try actlm(["train", corpus, "--run-name", "wild", "--steps", "50", "--checkpoint-every", "1",
                                "--eval-every", "0"] + tiny + ["--lr", "1e38", "--warmup", "0"])
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.stderr.contains("training diverged at step"), output.stderr)
        XCTAssertTrue(output.stderr.contains("lower --lr (it was 1e+38)"), output.stderr)
        let latest = folder("wild").latest
        if FileManager.default.fileExists(atPath: latest) {
            let saved = try TrainingCheckpoint.read(from: latest)
            XCTAssertTrue(saved.parameters.allSatisfy(\.isFinite))
            XCTAssertTrue(output.stderr.contains("\(latest), was left as it was"), output.stderr)
        } else {
            XCTAssertTrue(output.stderr.contains("No checkpoint was written in this run"), output.stderr)
        }
    }

    func testErrorsSayWhatToDo() throws {
        XCTAssertEqual(try actlm(["train", corpus, "--steps", "1", "--run-name", "taken"] + tiny).status, 0)
        let damaged = directory.path + "/damaged.ckpt"
        var bytes = try XCTUnwrap(TrainingFixtures.bytes(folder("taken").latest))
        bytes.removeLast(100)
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let empty = directory.path + "/empty-dir"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let cases: [([String], String)] = [
            (["train"], "give the corpus to train on"),
            (["train", "missing.txt"], "cannot open corpus 'missing.txt'"),
            (["train", corpus, "--run-name", "taken"], "checkpoints/taken already holds a run"),
            (["train", corpus, "--hidden", "0"], "--hidden must be between 1 and 16384"),
            (["train", corpus, "--decay", "cosine"], "--decay cosine needs --steps, --minutes or --decay-steps"),
            (["train", corpus, "--steps", "9", "--decay-fraction", "0"], "--decay-fraction must be above 0"),
            (["train", "--resume", "latest", "--checkpoint-dir", empty], "no checkpoint to resume under \(empty)/"),
            (["train", "--resume", damaged], "the checkpoint is truncated"),
            (["inspect", damaged], "the checkpoint is truncated"),
            (["inspect", corpus], "not an actlm checkpoint"),
        ]
        for (arguments, words) in cases {
            let listing = TrainingFixtures.listing(directory.path + "/checkpoints")
            let output = try actlm(arguments)
            XCTAssertNotEqual(output.status, 0, "\(arguments)")
            XCTAssertTrue(output.stderr.contains(words), "\(arguments): «\(words)» not in \(output.stderr)")
            XCTAssertEqual(TrainingFixtures.listing(directory.path + "/checkpoints"), listing, "\(arguments)")
        }
        XCTAssertEqual(TrainingFixtures.bytes(damaged), bytes)
    }

    /// A short run on real Wikipedia text, when this machine has it.
    func testSlowShortRunOnRealText() throws {
        guard let enwik8 = CorpusFixtures.sharedCorpus else { throw XCTSkip("../shared/corpora/enwik8-head.gz is absent") }
        let output = try actlm(["train", enwik8, "--run-name", "wiki", "--layers", "2", "--hidden", "32",
                                "--batch", "16", "--seq", "50", "--lr", "0.005", "--warmup", "10", "--steps", "150",
                                "--eval-every", "10", "--valid-chars", "20000"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let records = try MetricsLog.read(path: folder("wiki").metrics)
        let valid = records.compactMap(\.validBPC)
        XCTAssertEqual(valid.count, 15, output.text)
        XCTAssertLessThan(valid.last!, valid.first! - 0.5, output.text)
        XCTAssertLessThan(valid.last!, 6, output.text)
        print("enwik8-head, L=2 H=32 B=16 T=50, 150 steps: validation bpc \(valid), "
              + "\(Int(records.last!.charsPerSecond)) chars/s")
    }
}
