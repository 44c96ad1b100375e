import Foundation
import XCTest
import CZlib
import ACTLM

/// Test corpora made on the spot: generated text, compressed with zlib itself or the real tools.
enum CorpusFixtures {
    /// Word-like text with newlines and markup, deterministic for a seed.
    static func text(bytes count: Int, seed: UInt64 = 1) -> [UInt8] {
        let words = ["the", "of", "ponder", "halting", "<page>", "[[link]]", "1603", "Graves", "é", "time",
                     "adaptive", "and", "network", "{{cite}}", "computation", "step", "is", "a", "\n", "=="]
            .map { Array($0.utf8) }
        var random = RandomSource(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(count + 32)
        while out.count < count {
            out += words[Int(random.next() % UInt64(words.count))]
            out.append(random.next() % 9 == 0 ? UInt8(ascii: ".") : UInt8(ascii: " "))
        }
        return Array(out.prefix(count))
    }

    /// One gzip member (windowBits 31) or zlib stream (15) of `data`, written by zlib's deflate.
    static func deflated(_ data: [UInt8], gzip: Bool, level: Int32 = 6) -> [UInt8] {
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        defer {
            deflateEnd(z)
            z.deallocate()
        }
        precondition(deflateInit2_(z, level, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var out = [UInt8](repeating: 0, count: Int(deflateBound(z, UInt(data.count))) + 64)
        let status = data.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                z.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                z.pointee.avail_in = UInt32(source.count)
                z.pointee.next_out = destination.baseAddress
                z.pointee.avail_out = UInt32(destination.count)
                return deflate(z, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END)
        out.removeLast(out.count - Int(z.pointee.total_out))
        return out
    }

    /// A fresh directory, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("actlm-corpus-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static func write(_ bytes: [UInt8], to url: URL) throws -> String {
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Everything a stream delivers, read in chunks of `chunk` bytes.
    static func readAll(_ stream: ByteStream, chunk: Int = 100_000) throws -> [UInt8] {
        try readAll(chunk: chunk, stream.read(into:))
    }

    static func readAll(_ stream: BoundedByteStream, chunk: Int = 100_000) throws -> [UInt8] {
        try readAll(chunk: chunk, stream.read(into:))
    }

    private static func readAll(chunk: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try read($0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    /// The full path of a program on PATH, or nil.
    static func program(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program with stdin from `input` (a file) and stdout to `output` (a file); returns its status.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], stdin input: String? = nil,
                    stdout output: String) throws -> Int32 {
        try ChildProcess(program, arguments, stdin: input, stdout: output, stderr: "/dev/null").wait().status
    }

    /// `path` opened for writing, created if missing and emptied, with open(2): never FileManager.createFile,
    /// which renames a new file over the path and, as root, would turn a device such as /dev/null into a file.
    static func openForWriting(_ path: String) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// The package root, from this file's place in Tests/ACTLMTests/Corpus/.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The shared real-text corpus, when this machine has it.
    static var sharedCorpus: String? {
        let path = packageRoot.appendingPathComponent("../shared/corpora/enwik8-head.gz").standardized.path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
