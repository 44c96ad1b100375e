import Foundation
import XCTest
import ACTLM

/// Small corpora, tiny models and the built binary, for the training and checkpoint tests.
enum TrainingFixtures {
    /// A tiny model that trains in milliseconds per step but still ponders (M = 4).
    static func options(seed: UInt64 = 1) -> TrainingOptions {
        var options = TrainingOptions.defaults
        options.model = ModelConfig(layers: 2, hidden: 16, maxPonder: 4)
        options.batch = 4
        options.seq = 16
        options.tau = 0.01
        options.schedule = LearningRateSchedule(peak: 1e-2, warmupSteps: 2)
        options.seed = seed
        options.haltingWarmup = 0
        options.validFraction = 0.1
        options.validChars = 2_000
        options.traceChars = 100
        return options
    }

    /// A plain-text corpus of word-like generated text in `directory`.
    static func corpus(in directory: URL, bytes: Int = 40_000, seed: UInt64 = 3) throws -> String {
        try CorpusFixtures.write(CorpusFixtures.text(bytes: bytes, seed: seed),
                                 to: directory.appendingPathComponent("corpus.txt"))
    }

    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    static func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    // MARK: The binary

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String { CommandFixtures.binary }

    static func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("build the release binary first (make build): \(binary) is missing")
        }
    }

    /// Starts `actlm` with output to files in `directory`, so a test can signal it while it runs.
    static func launch(_ arguments: [String], in directory: URL) throws -> (Process, URL, URL) {
        try requireBinary()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Runs `actlm` to the end.
    static func run(_ arguments: [String], in directory: URL) throws -> Output {
        let (process, out, err) = try launch(arguments, in: directory)
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Waits up to `seconds` for `condition`.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let watch = Stopwatch()
        while watch.seconds < seconds {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
