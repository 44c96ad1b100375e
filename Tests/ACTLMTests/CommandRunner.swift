import Foundation
import XCTest

/// Runs the built `actlm` binary as a user would, for end-to-end tests.
enum CommandRunner {
    private final class Collected: @unchecked Sendable { var data = Data() }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        CorpusFixtures.packageRoot.appendingPathComponent(".build/release/actlm").path
    }

    static func actlm(_ arguments: [String], stdin: String? = nil) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("build the release binary first (make build): \(binary) is missing")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read stderr on another thread so neither pipe can fill up and stall the process.
        let stderr = Collected()
        let readErr = Thread { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
        readErr.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !readErr.isFinished { usleep(1000) }
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr.data, as: UTF8.self))
    }
}
