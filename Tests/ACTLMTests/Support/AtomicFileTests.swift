import Foundation
import XCTest
@testable import ACTLM

final class AtomicFileTests: XCTestCase {
    private var directory = ""
    private let old: [UInt8] = Array("the old contents\n".utf8)
    private let new: [UInt8] = (0..<2_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self).path
        // Teardown blocks run last first: the folder is made writable again before it is removed.
        addTeardownBlock { [directory] in chmod(directory, 0o755) }
    }

    private func bytes(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    private func listing() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
    }

    private func writeError(_ body: () throws -> Void, file: StaticString = #filePath,
                            line: UInt = #line) -> AtomicFile.WriteError? {
        do {
            try body()
            XCTFail("the write succeeded", file: file, line: line)
        } catch let error as AtomicFile.WriteError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: Writing

    func testWritesTheBytesAndLeavesNothingElse() throws {
        let path = directory + "/file.bin"
        try AtomicFile.write(new, to: path)
        XCTAssertEqual(bytes(path), new)
        try AtomicFile.write([], to: directory + "/empty")
        XCTAssertEqual(bytes(directory + "/empty"), [])
        XCTAssertEqual(listing(), ["empty", "file.bin"])
    }

    func testOverwriteReplacesTheOldFile() throws {
        let path = directory + "/file.bin"
        try AtomicFile.write(old, to: path)
        try AtomicFile.write(new, to: path)
        XCTAssertEqual(bytes(path), new)
        XCTAssertEqual(listing(), ["file.bin"])
    }

    func testRelativePathInCurrentDirectory() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write(new, to: "here.bin")
        XCTAssertEqual(bytes(directory + "/here.bin"), new)
        XCTAssertEqual(listing(), ["here.bin"])
    }

    /// The temporary file is a hidden sibling of the target, so the rename never crosses file systems,
    /// and the target keeps its old contents until the rename.
    func testTheTemporaryFileIsASiblingRenamedOverTheTarget() throws {
        let path = directory + "/report.html"
        try AtomicFile.write(old, to: path)
        var renames = 0
        var operations = AtomicFile.Operations.system
        operations.rename = { from, to in
            renames += 1
            XCTAssertEqual(to, path)
            XCTAssertEqual(PathParts.directory(of: from), self.directory)
            let name = PathParts.name(of: from)
            XCTAssertTrue(name.hasPrefix(".report.html.\(getpid())-") && name.hasSuffix(".tmp"), name)
            XCTAssertEqual(self.bytes(to), self.old)
            XCTAssertEqual(self.bytes(from), self.new)
            return Foundation.rename(from, to)
        }
        try AtomicFile.write(new, to: path, operations: operations)
        XCTAssertEqual(renames, 1)
        XCTAssertEqual(bytes(path), new)
        XCTAssertEqual(listing(), ["report.html"])
    }

    func testInterruptedAndShortWritesAreRetried() throws {
        let path = directory + "/file.bin"
        var calls = 0
        var operations = AtomicFile.Operations.system
        operations.write = { fd, buffer in
            calls += 1
            if calls % 3 == 0 {
                errno = EINTR
                return -1
            }
            return Foundation.write(fd, buffer.baseAddress, min(buffer.count, 7))
        }
        try AtomicFile.write(new, to: path, operations: operations)
        XCTAssertEqual(bytes(path), new)
        XCTAssertGreaterThan(calls, 2_000 / 7)
    }

    // MARK: Failed writes leave the old file

    func testDiskFullMidWriteLeavesTheOldFile() throws {
        let path = directory + "/file.bin"
        try AtomicFile.write(old, to: path)
        // A full disk shows as ENOSPC, or as a write that takes nothing.
        for full in [-1, 0] {
            var written = 0
            var operations = AtomicFile.Operations.system
            operations.write = { fd, buffer in
                if written >= 700 {
                    errno = ENOSPC
                    return full
                }
                let count = Foundation.write(fd, buffer.baseAddress, min(buffer.count, 300))
                written += count
                return count
            }
            let error = writeError { try AtomicFile.write(new, to: path, operations: operations) }
            XCTAssertEqual(error?.path, path)
            XCTAssertTrue(error?.reason.hasPrefix("writing \(directory)/.file.bin.") ?? false, "\(String(describing: error))")
            XCTAssertTrue(error?.reason.hasSuffix("No space left on device") ?? false, "\(String(describing: error))")
            XCTAssertTrue("\(error!)".contains("The previous file at this path, if any, is unchanged"))
            XCTAssertEqual(written, 900)
            XCTAssertEqual(bytes(path), old)
            XCTAssertEqual(listing(), ["file.bin"])
        }
    }

    func testFailedFsyncOrRenameLeavesTheOldFile() throws {
        let path = directory + "/file.bin"
        try AtomicFile.write(old, to: path)

        var failingFsync = AtomicFile.Operations.system
        failingFsync.fsync = { _ in errno = EIO; return -1 }
        let flushing = writeError { try AtomicFile.write(new, to: path, operations: failingFsync) }
        XCTAssertTrue(flushing?.reason.hasPrefix("flushing") ?? false, "\(String(describing: flushing))")
        XCTAssertTrue(flushing?.reason.hasSuffix("Input/output error") ?? false, "\(String(describing: flushing))")
        XCTAssertEqual(bytes(path), old)
        XCTAssertEqual(listing(), ["file.bin"])

        var failingRename = AtomicFile.Operations.system
        failingRename.rename = { _, _ in errno = EXDEV; return -1 }
        let renaming = writeError { try AtomicFile.write(new, to: path, operations: failingRename) }
        XCTAssertTrue(renaming?.reason.hasPrefix("renaming") ?? false, "\(String(describing: renaming))")
        XCTAssertEqual(bytes(path), old)
        XCTAssertEqual(listing(), ["file.bin"])
    }

    func testWritingIntoAMissingDirectoryThrows() throws {
        let path = directory + "/no/such/dir/file.bin"
        let missing = writeError { try AtomicFile.write(new, to: path) }
        XCTAssertEqual(missing?.path, path)
        XCTAssertTrue(missing?.reason.hasPrefix("cannot create a temporary file in \(directory)/no/such/dir") ?? false,
                      "\(String(describing: missing))")
        XCTAssertTrue(missing?.reason.hasSuffix("No such file or directory") ?? false, "\(String(describing: missing))")
        try AtomicFile.write(old, to: directory + "/file")
        let notAFolder = writeError { try AtomicFile.write(new, to: directory + "/file/inside.bin") }
        XCTAssertTrue(notAFolder?.reason.hasSuffix("Not a directory") ?? false, "\(String(describing: notAFolder))")
        XCTAssertEqual(listing(), ["file"])
    }

    func testWritingIntoAReadOnlyDirectoryThrows() throws {
        try XCTSkipIf(geteuid() == 0, "root writes into read-only folders; the injected failures cover this path")
        let path = directory + "/file.bin"
        try AtomicFile.write(old, to: path)
        XCTAssertEqual(chmod(directory, 0o555), 0)
        let error = writeError { try AtomicFile.write(new, to: path) }
        XCTAssertTrue(error?.reason.contains("Permission denied") ?? false, "\(String(describing: error))")
        XCTAssertEqual(bytes(path), old)
        XCTAssertEqual(listing(), ["file.bin"])
    }

    // MARK: What a crash leaves

    /// The temporary file of a process that no longer runs is removed; those of running processes and
    /// files not named like ours stay.
    func testStaleTemporariesOfDeadProcessesAreRemoved() throws {
        try AtomicFile.write(old, to: directory + "/latest.ckpt")
        let child = try ChildProcess("/bin/true", [], stdout: "/dev/null", stderr: "/dev/null")
        _ = try child.wait()
        let dead = ".latest.ckpt.\(child.pid)-1f2e.tmp"
        let alive = ".best.ckpt.\(getppid())-99.tmp", mine = ".best.ckpt.\(getpid())-a.tmp"
        for name in [dead, alive, mine, ".hidden.tmp", "notes.tmp"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data([1, 2, 3])))
        }
        XCTAssertEqual(AtomicFile.removeStaleTemporaries(in: directory), [dead])
        XCTAssertEqual(listing(), [alive, mine, ".hidden.tmp", "latest.ckpt", "notes.tmp"].sorted())
        XCTAssertEqual(AtomicFile.removeStaleTemporaries(in: directory + "/missing"), [])
    }
}
