import Foundation
import XCTest
import ACTLM

/// `mpirun -np 2 actlm train` against one process with the same global batch: the same run, step for
/// step; checkpoints that resume with any number of ranks; signals to mpirun and the death of a rank.
final class DataParallelTrainingTests: XCTestCase {
    private var directory: URL!
    private var corpus = ""
    private var mpirun = ""
    /// A tiny model with ACT really at work: no halting warm-up, so rows halt after different numbers of
    /// steps from the first window.
    private let tiny = ["--layers", "2", "--hidden", "16", "--max-ponder", "4", "--batch", "4", "--seq", "16",
                        "--tau", "0.01", "--halting-warmup", "0", "--halting-bias", "0.3", "--valid-chars", "2000",
                        "--valid-fraction", "0.1", "--trace-chars", "80", "--lr", "0.01", "--warmup", "2",
                        "--reset-every", "64"]

    override func setUpWithError() throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = path.map({ "\($0)/mpirun" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev, or make deps)")
        }
        mpirun = found
        directory = try CorpusFixtures.temporaryDirectory(for: self)
        corpus = try TrainingFixtures.corpus(in: directory)
    }

    // MARK: The same run

    func testTwoRanksTrainTheRunOneProcessTrains() throws {
        let schedule = ["--steps", "30", "--log-every", "1", "--eval-every", "15"]
        try expectSuccess(actlm(["train", corpus, "--run-name", "one"] + schedule + tiny))
        let two = try ranks(2, ["train", corpus, "--run-name", "two"] + schedule + tiny)
        try expectSuccess(two)
        XCTAssertEqual(two.text.components(separatedBy: "run folder").count - 1, 1, "rank 0 alone prints:\n\(two.text)")

        let one = try TrainingCheckpoint.read(from: folder("one").latest)
        let split = try TrainingCheckpoint.read(from: folder("two").latest)
        XCTAssertEqual(one.step, 30)
        XCTAssertEqual(split.step, 30)
        try expectSameRun(one.history, split.history, steps: Array(1...30))
        try expectSameState(one, split)
        XCTAssertEqual(try MetricsLog.read(path: folder("two").metrics), split.history)

        // ACT was at work: some bytes took more steps than others, in every layer. The ranks' validation
        // statistics, merged, are those of one process; the excerpt traced is the same.
        for layer in 0..<2 {
            let histogram = one.ponderStats.stepHistogram(layer: layer)
            XCTAssertGreaterThan(histogram.filter { $0 > 0 }.count, 1, "layer \(layer) halted uniformly: \(histogram)")
            XCTAssertEqual(one.ponderStats.count(layer: layer), split.ponderStats.count(layer: layer))
            XCTAssertEqual(try XCTUnwrap(one.ponderStats.meanRho(layer: layer)),
                           try XCTUnwrap(split.ponderStats.meanRho(layer: layer)), accuracy: 1e-4)
            XCTAssertEqual(one.ponderTrace.rho(layer: layer).count, 80)
            for (r, s) in zip(one.ponderTrace.rho(layer: layer), split.ponderTrace.rho(layer: layer)) {
                XCTAssertEqual(r, s, accuracy: 1e-4)
            }
        }
        XCTAssertEqual(one.ponderTrace.text, split.ponderTrace.text)
    }

    func testCheckpointAtTwoRanksResumesAtOneAndTwo() throws {
        let schedule = ["--log-every", "1", "--eval-every", "10"]
        try expectSuccess(actlm(["train", corpus, "--run-name", "straight", "--steps", "20"] + schedule + tiny))
        try expectSuccess(ranks(2, ["train", corpus, "--run-name", "two", "--steps", "10", "--decay-steps", "20"]
                                + schedule + tiny))
        try FileManager.default.copyItem(atPath: folder("two").path, toPath: folder("copy").path)

        try expectSuccess(actlm(["train", "--resume", folder("copy").latest, "--steps", "20"] + schedule))
        try expectSuccess(ranks(2, ["train", "--resume", folder("two").latest, "--steps", "20"] + schedule))
        let straight = try TrainingCheckpoint.read(from: folder("straight").latest)
        for name in ["copy", "two"] {
            let resumed = try TrainingCheckpoint.read(from: folder(name).latest)
            XCTAssertEqual(resumed.step, 20, name)
            try expectSameRun(straight.history, resumed.history, steps: Array(1...20))
            try expectSameState(straight, resumed)
        }
        // And a single process's checkpoint resumes at K = 2.
        try expectSuccess(ranks(2, ["train", "--resume", folder("straight").latest, "--steps", "22"]))
        XCTAssertEqual(try TrainingCheckpoint.read(from: folder("straight").latest).step, 22)
    }

    /// A --minutes run fixes its decay by the root's clock, so the replicas keep one schedule (replicas that
    /// drifted apart would be refused at the save).
    func testTimingTwoRanksFixOneDecayForAMinutesRun() throws {
        try expectSuccess(ranks(2, ["train", corpus, "--run-name", "timed", "--minutes", "0.05", "--decay-fraction", "0.5",
                                    "--eval-every", "0"] + tiny))
        let saved = try TrainingCheckpoint.read(from: folder("timed").latest)
        XCTAssertFalse(saved.options.schedule.isPending)
        XCTAssertGreaterThan(saved.step, saved.options.schedule.decayBegins)
        XCTAssertLessThan(try XCTUnwrap(saved.history.last?.learningRate), saved.options.schedule.peak)
    }

    func testABatchTheRanksCannotShareIsRefused() throws {
        let output = try ranks(3, ["train", corpus, "--run-name", "three", "--steps", "2"] + tiny)
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("--batch 4 cannot be shared by 3 processes"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder("three").path), "no run folder left behind")
    }

    /// A rank that cannot start (here its corpus is missing: another machine's disk) ends the whole job
    /// with its message, and the checkpoint being resumed stays as it was.
    func testARankThatFailsEndsTheJobWithItsMessage() throws {
        try expectSuccess(ranks(2, ["train", corpus, "--run-name", "run", "--steps", "4", "--eval-every", "0"] + tiny))
        let before = try XCTUnwrap(TrainingFixtures.bytes(folder("run").latest))
        let resume = ["train", "--resume", folder("run").latest, "--steps", "8"]
        // mpirun's MPMD form gives each rank its own command line.
        let output = try start(ranks: 1, resume + [":", "-np", "1", try ActlmBinary.path] + resume + ["missing.txt"]).wait()
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("Error (rank 1 of 2)"), output.stderr)
        XCTAssertTrue(output.stderr.contains("missing.txt"), output.stderr)
        XCTAssertEqual(TrainingFixtures.bytes(folder("run").latest), before)
    }

    // MARK: Stopping

    func testSIGTERMToMpirunSavesOnceAndAllRanksEnd() throws {
        let job = try start(ranks: 2, ["train", corpus, "--run-name", "term", "--log-every", "5", "--eval-every", "0",
                                       "--checkpoint-every", "0"] + tiny)
        let run = folder("term")
        XCTAssertTrue(TrainingFixtures.wait(seconds: 60) { ((try? MetricsLog.read(path: run.metrics)) ?? []).count >= 2 })
        let rankIDs = children(of: job.pid)
        XCTAssertEqual(rankIDs.count, 2)
        job.signal(SIGTERM)
        let output = try job.wait()
        // Saved at the step where all stopped: the metrics end there too. (mpirun no longer relays what
        // the ranks print once it is signalled, so the console's last lines do not reach us.)
        let saved = try TrainingCheckpoint.read(from: run.latest)
        XCTAssertGreaterThanOrEqual(saved.step, 10)
        XCTAssertEqual(try MetricsLog.read(path: run.metrics).last?.step, saved.step)
        // A rank that failed or was killed would be named here.
        XCTAssertFalse(output.stderr.contains("rank"), output.stderr)
        XCTAssertTrue(TrainingFixtures.wait(seconds: 10) { rankIDs.allSatisfy { kill($0, 0) != 0 } }, "ranks left running")

        try expectSuccess(ranks(2, ["train", "--resume", "latest", "--steps", "\(saved.step + 3)"]))
        XCTAssertEqual(try TrainingCheckpoint.read(from: run.latest).step, saved.step + 3)
    }

    func testSIGKILLOfOneRankEndsTheJobAndLeavesTheCheckpoint() throws {
        let job = try start(ranks: 2, ["train", corpus, "--run-name", "killed", "--checkpoint-every", "3",
                                       "--eval-every", "0"] + tiny)
        let run = folder("killed")
        XCTAssertTrue(TrainingFixtures.wait(seconds: 60) { ((try? TrainingCheckpoint.read(from: run.latest))?.step ?? 0) >= 6 })
        let rankIDs = children(of: job.pid)
        XCTAssertEqual(rankIDs.count, 2)
        kill(rankIDs.last!, SIGKILL)
        XCTAssertTrue(TrainingFixtures.wait(seconds: 30) { !job.isRunning }, "mpirun went on after a rank died")
        let output = try job.wait()
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("exited on signal 9"), output.stderr)
        XCTAssertTrue(TrainingFixtures.wait(seconds: 10) { rankIDs.allSatisfy { kill($0, 0) != 0 } }, "ranks left running")
        XCTAssertGreaterThanOrEqual(try TrainingCheckpoint.read(from: run.latest).step, 6)
    }

    // MARK: Helpers

    private func folder(_ name: String) -> RunFolder {
        RunFolder(path: directory.path + "/checkpoints/" + name)
    }

    private func actlm(_ arguments: [String]) throws -> ChildProcess.Output {
        try ActlmBinary.run(arguments, in: directory.path)
    }

    /// Starts `actlm` as `count` ranks under mpirun on this machine.
    private func start(ranks count: Int, _ arguments: [String]) throws -> ChildProcess {
        let name = directory.path + "/.mpirun-\(UUID().uuidString)"
        // Root in CI: Open MPI refuses root unless told; more ranks than cores on a small machine. mpirun
        // ends the ranks with SIGTERM and SIGKILL one second later (odls_base_sigkill_timeout), ample here.
        let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]
        return try ChildProcess(mpirun, ["--oversubscribe", "--bind-to", "none", "-np", "\(count)",
                                         try ActlmBinary.path] + arguments,
                                in: directory.path, stdout: name + ".stdout", stderr: name + ".stderr",
                                environment: environment)
    }

    private func ranks(_ count: Int, _ arguments: [String]) throws -> ChildProcess.Output {
        try start(ranks: count, arguments).wait()
    }

    private func expectSuccess(_ output: ChildProcess.Output, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(output.status, 0, "\(output.text)\n\(output.stderr)", file: file, line: line)
    }

    /// Process IDs whose parent is `pid` (mpirun starts the ranks of this machine itself).
    private func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }.sorted()
    }

    /// Per-step training loss equal to 1e-5 relative (validation too), at the steps given.
    private func expectSameRun(_ a: [MetricsRecord], _ b: [MetricsRecord], steps: [Int],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.map(\.step), steps, file: file, line: line)
        XCTAssertEqual(b.map(\.step), steps, file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.trainBPC, y.trainBPC, accuracy: 1e-5 * x.trainBPC, "step \(x.step)", file: file, line: line)
            XCTAssertEqual(x.chars, y.chars, file: file, line: line)
            XCTAssertEqual(x.validBPC == nil, y.validBPC == nil, file: file, line: line)
            if let v = x.validBPC, let w = y.validBPC {
                XCTAssertEqual(v, w, accuracy: 1e-5 * v, "validation at step \(x.step)", file: file, line: line)
            }
            for (r, s) in zip(x.meanRho, y.meanRho) { XCTAssertEqual(r, s, accuracy: 1e-5 * r, file: file, line: line) }
        }
    }

    /// Parameters equal to 1e-4 relative; every stream's position exactly and carried state closely.
    private func expectSameState(_ a: TrainingCheckpoint, _ b: TrainingCheckpoint,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.positions, b.positions, file: file, line: line)
        XCTAssertLessThan(relativeDifference(a.parameters, b.parameters), 1e-4, "parameters", file: file, line: line)
        XCTAssertLessThan(relativeDifference(a.networkState, b.networkState), 1e-4, "carried state", file: file, line: line)
        var random = RandomSource(seed: a.options.seed)
        let initial = ParameterLayout(config: a.options.model).initialParameters(random: &random)
        XCTAssertGreaterThan(relativeDifference(a.parameters, initial), 1e-2, "the run trained", file: file, line: line)
    }

    private func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        var difference = 0.0, size = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            size += Double(x) * Double(x)
        }
        return (difference / max(size, .leastNormalMagnitude)).squareRoot()
    }
}
