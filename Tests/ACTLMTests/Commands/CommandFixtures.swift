import Foundation
import XCTest
import ACTLM
#if canImport(Glibc)
import Glibc
#endif

/// Tiny models and a way to run the built `actlm` binary, for the tests of the commands that use a model.
enum CommandFixtures {
    /// A small model with random weights. The halting units get random weights too (fresh ones are 0,
    /// which makes every byte take the same 2 steps), so ponder differs from byte to byte as in a trained
    /// model.
    static func randomModel(layers: Int = 2, hidden: Int = 16, maxPonder: Int = 4, seed: UInt64 = 3,
                            path: String = "random.ckpt") -> TrainedModel {
        let config = ModelConfig(layers: layers, hidden: hidden, maxPonder: maxPonder)
        let layout = ParameterLayout(config: config)
        var random = RandomSource(seed: seed)
        var parameters = layout.initialParameters(random: &random)
        for layer in layout.layers {
            for i in layer.haltingWeights { parameters[i] = 3 * (2 * random.nextUnitFloat() - 1) }
            parameters[layer.haltingBias] = 2 * random.nextUnitFloat() - 0.5
        }
        return TrainedModel(path: path, config: config, parameters: parameters)
    }

    /// Writes `model` as a checkpoint at `path` (folders created), as training would.
    @discardableResult
    static func save(_ model: TrainedModel, to path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        var file = CheckpointFile()
        try file.encodeModel(config: model.config, parameters: model.parameters)
        try file.write(to: path)
        return path
    }

    /// A fresh folder, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> String {
        try CorpusFixtures.temporaryDirectory(for: test).path
    }

    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static var binary: String {
        CorpusFixtures.packageRoot.appendingPathComponent(".build/release/actlm").path
    }

    /// Runs `actlm` in `directory` with standard input from the file `stdin` (or nothing); standard
    /// output and error go through files, so neither can fill a pipe and stall the other.
    static func actlm(_ arguments: [String], in directory: String, stdin: String? = nil,
                      environment: [String: String] = [:]) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("build the release binary first (make build): \(binary) is missing")
        }
        let outPath = directory + "/.stdout", errPath = directory + "/.stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = stdin.map { FileHandle(forReadingAtPath: $0)! } ?? FileHandle.nullDevice
        let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        return Output(status: process.terminationStatus,
                      stdout: Array(try Data(contentsOf: URL(fileURLWithPath: outPath))),
                      stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Runs `actlm` expecting it to fail with nothing on standard output; returns what it said on stderr.
    static func failure(_ arguments: [String], in directory: String,
                        file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let output = try actlm(arguments, in: directory)
        XCTAssertNotEqual(output.status, 0, "\(arguments) should fail", file: file, line: line)
        XCTAssertTrue(output.stdout.isEmpty, "\(arguments): nothing on standard output", file: file, line: line)
        return output.stderr
    }

    /// Runs `actlm` with standard input from `stdin` and standard output discarded, and returns its exit
    /// status and peak resident memory (bytes), measured by the kernel for that process alone.
    static func peakMemory(_ arguments: [String], stdin: String) throws -> (status: Int32, peak: Int) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("build the release binary first (make build): \(binary) is missing")
        }
        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw XCTSkip("posix_spawn failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exit, Int(usage.ru_maxrss) * 1024)   // Linux reports kilobytes
        #else
        throw XCTSkip("measures memory with Linux's wait4")
        #endif
    }

    /// Text in the style of Wikipedia's markup, with UTF-8 letters: the corpus fixture's generator.
    static func text(bytes: Int, seed: UInt64 = 5) -> [UInt8] {
        CorpusFixtures.text(bytes: bytes, seed: seed)
    }
}
