import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The one way the tests run a program: started in a folder, standard input from a file, standard output
/// and error into files (never pipes, so neither can fill and stall the other), reaped with `wait4` for
/// its exit status and peak memory.
final class ChildProcess {
    struct Output {
        /// The exit status, or 128 + the signal that ended it, as a shell reports it.
        var status: Int32
        var signal: Int32?
        var stdout: [UInt8]
        var stderr: String
        /// Peak resident memory in bytes, as the kernel measured it for this process alone.
        var peakMemory: Int
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    let pid: pid_t
    let stdoutPath: String, stderrPath: String
    private var ended: (status: Int32, usage: rusage)?

    /// Starts `program`. `stdout` and `stderr` are opened in the child with open(2) (created if missing,
    /// never renamed over), so `/dev/null` stays the device even for root.
    init(_ program: String, _ arguments: [String], in directory: String? = nil, stdin: String? = nil,
         stdout: String, stderr: String, environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // posix_spawn has no portable way to set the child's folder: a shell changes to it, then becomes the program.
        let command = directory.map { ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", $0, program] } ?? [program]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = variables.map { strdup("\($0)=\($1)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0]!, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ProgramError("cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        stdoutPath = stdout
        stderrPath = stderr
    }

    /// A test that throws before it waits must not leave the program running.
    deinit {
        if reap(blocking: false) == nil {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    var isRunning: Bool { reap(blocking: false) == nil && kill(pid, 0) == 0 }

    func signal(_ signal: Int32) { kill(pid, signal) }

    /// What it has written to standard error so far.
    var stderrSoFar: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the end, and collects what it wrote.
    func wait() throws -> Output {
        guard let (raw, usage) = reap(blocking: true) else {
            throw ProgramError("cannot wait for process \(pid): \(String(cString: strerror(errno)))")
        }
        let killedBy = raw & 0x7F
        return Output(status: killedBy != 0 ? 128 + killedBy : (raw >> 8) & 0xFF, signal: killedBy != 0 ? killedBy : nil,
                      stdout: Array(FileManager.default.contents(atPath: stdoutPath) ?? Data()),
                      stderr: stderrSoFar,
                      peakMemory: Int(usage.ru_maxrss) * 1024)   // Linux reports kilobytes
    }

    private func reap(blocking: Bool) -> (Int32, rusage)? {
        if let ended { return ended }
        var status: Int32 = 0
        var usage = rusage()
        var result: pid_t
        repeat { result = wait4(pid, &status, blocking ? 0 : WNOHANG, &usage) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        ended = (status, usage)
        return ended
    }
}

struct ProgramError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `actlm` binary of the build these tests belong to, run in a test's folder as a user runs it.
enum ActlmBinary {
    /// `swift test` builds the executable beside the test bundle in the same configuration (`make test`:
    /// release; a bare `swift test`: debug), so the tests run the binary of the code they were built with.
    static var path: String {
        get throws {
            #if os(Linux)
            let tests = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            #else
            let tests = Bundle(for: ChildProcess.self).bundleURL
            #endif
            let binary = tests.deletingLastPathComponent().appendingPathComponent("actlm").path
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                // A failure, not a skip: a command test that did not run must not pass.
                throw ProgramError("the actlm binary is missing at \(binary), beside the test bundle: run the tests "
                                   + "with `make test` or `swift test`, which build it, not the test target alone")
            }
            return binary
        }
    }

    /// Starts `actlm` in `directory`; its output goes to files there (or is discarded), read back by `wait()`.
    static func start(_ arguments: [String], in directory: String, stdin: String? = nil,
                      environment: [String: String] = [:], discardingOutput: Bool = false) throws -> ChildProcess {
        let name = "\(directory)/.actlm-\(UUID().uuidString)"
        return try ChildProcess(try path, arguments, in: directory, stdin: stdin,
                                stdout: discardingOutput ? "/dev/null" : name + ".stdout", stderr: name + ".stderr",
                                environment: environment)
    }

    /// Runs `actlm` in `directory` to the end; the files that held its output are removed.
    static func run(_ arguments: [String], in directory: String, stdin: String? = nil,
                    environment: [String: String] = [:], discardingOutput: Bool = false) throws -> ChildProcess.Output {
        let child = try start(arguments, in: directory, stdin: stdin, environment: environment,
                              discardingOutput: discardingOutput)
        let output = try child.wait()
        for file in [child.stdoutPath, child.stderrPath] where file.hasPrefix(directory + "/.actlm-") { unlink(file) }
        return output
    }

    /// Runs `actlm` expecting it to fail with nothing on standard output; returns what it said on stderr.
    static func failure(_ arguments: [String], in directory: String,
                        file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let output = try run(arguments, in: directory)
        XCTAssertNotEqual(output.status, 0, "\(arguments) should fail", file: file, line: line)
        XCTAssertTrue(output.stdout.isEmpty, "\(arguments): nothing on standard output", file: file, line: line)
        return output.stderr
    }
}
