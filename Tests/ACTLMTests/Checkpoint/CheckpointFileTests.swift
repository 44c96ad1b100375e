import Foundation
import XCTest
import ACTLM

final class CheckpointFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self).path
        // Teardown blocks run last first: the folder is made writable again before it is removed.
        addTeardownBlock { [directory] in chmod(directory, 0o755) }
    }

    /// A small checkpoint with a compressible, an incompressible and an empty section.
    private func sample(seed: UInt64 = 7) throws -> CheckpointFile {
        var random = RandomSource(seed: seed)
        var file = CheckpointFile()
        try file.encodeJSON("config", ModelConfig(layers: 3, hidden: 16, maxPonder: 4))
        file.encode("weights") { writer in
            writer.write(floatArray: (0..<300).map { _ in Float(random.nextGaussian()) })
        }
        file.sections["text"] = Array(String(repeating: "the cat sat on the mat. ", count: 40).utf8)
        file.sections["empty"] = []
        return file
    }

    private func bytes(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }

    /// Replaces the file in place without syncing: the damage loops write thousands of files.
    private func put(_ bytes: [UInt8], _ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }, bytes.count)
        close(fd)
    }

    private func listing() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
    }

    private func readError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> CheckpointError? {
        do {
            _ = try CheckpointFile.read(from: path)
            XCTFail("read succeeded", file: file, line: line)
            return nil
        } catch let error as CheckpointError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: Round trip

    func testRoundTrip() throws {
        let original = try sample()
        let path = directory + "/latest.ckpt"
        try original.write(to: path)
        let loaded = try CheckpointFile.read(from: path)
        XCTAssertEqual(try loaded.payloads(), original.sections)
        XCTAssertEqual(loaded.path, path)
        XCTAssertEqual(try loaded.decodeJSON(ModelConfig.self, "config"), ModelConfig(layers: 3, hidden: 16, maxPonder: 4))
        XCTAssertEqual(listing(), ["latest.ckpt"])

        let rawSize = original.sections.values.reduce(0) { $0 + $1.count }
        XCTAssertLessThan(bytes(path).count, rawSize - 700, "the repetitive section is compressed")
    }

    func testEqualContentsGiveIdenticalFiles() throws {
        try sample().write(to: directory + "/a.ckpt")
        try sample().write(to: directory + "/b.ckpt")
        XCTAssertEqual(bytes(directory + "/a.ckpt"), bytes(directory + "/b.ckpt"))
        XCTAssertEqual(Array(bytes(directory + "/a.ckpt").prefix(8)), Array("ACTLMCKP".utf8))
    }

    func testRelativePathInCurrentDirectory() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try sample().write(to: "here.ckpt")
        XCTAssertEqual(try CheckpointFile.read(from: "here.ckpt").payloads(), try sample().sections)
    }

    func testOverwriteReplacesTheOldFile() throws {
        let path = directory + "/latest.ckpt"
        try sample(seed: 1).write(to: path)
        try sample(seed: 2).write(to: path)
        XCTAssertEqual(try CheckpointFile.read(from: path).payloads(), try sample(seed: 2).sections)
        XCTAssertEqual(listing(), ["latest.ckpt"])
    }

    func testSectionDecodingErrorsNameFileAndSection() throws {
        let path = directory + "/c.ckpt"
        try sample().write(to: path)
        let loaded = try CheckpointFile.read(from: path)
        XCTAssertThrowsError(try loaded.decode("optimizer") { try $0.readUInt64() }) { error in
            XCTAssertEqual(error as? CheckpointError, .missingSection(path: path, section: "optimizer"))
            XCTAssertTrue("\(error)".contains("has no section \"optimizer\""), "\(error)")
        }
        // Reading only part of a section is a layout disagreement, not success.
        XCTAssertThrowsError(try loaded.decode("weights") { try $0.readUInt64() }) { error in
            guard case .malformedSection(path, "weights", _)? = error as? CheckpointError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix("\(path): section \"weights\" does not decode"), "\(error)")
        }
        XCTAssertThrowsError(try loaded.decodeJSON(RandomSourceState.self, "config")) { error in
            guard case .malformedSection(path, "config", _)? = error as? CheckpointError else {
                return XCTFail("\(error)")
            }
        }
        XCTAssertEqual(try loaded.decode("weights") { try $0.readFloatArray() }.count, 300)
    }

    private struct RandomSourceState: Codable { var words: [UInt64] }

    func testInvalidSectionNamesAreRefused() {
        for name in ["", "has space", String(repeating: "x", count: 33), "naïve"] {
            let file = CheckpointFile(sections: [name: [1]])
            XCTAssertThrowsError(try file.write(to: directory + "/x.ckpt")) { error in
                XCTAssertEqual(error as? CheckpointError, .invalidSectionName(name))
            }
        }
        XCTAssertEqual(listing(), [])
    }

    // MARK: Damaged files

    func testTruncationAtEveryCutPoint() throws {
        let path = directory + "/full.ckpt", cutPath = directory + "/cut.ckpt"
        try sample().write(to: path)
        let full = bytes(path)
        for cut in 0..<full.count {
            put(Array(full[0..<cut]), cutPath)
            guard let error = readError(cutPath) else { continue }
            guard case let .truncated(errorPath, expected, found, _) = error else {
                XCTFail("cut at \(cut): \(error)")
                continue
            }
            XCTAssertEqual(errorPath, cutPath)
            XCTAssertEqual(found, cut)
            XCTAssertGreaterThan(expected, cut)
        }
        put(Array(full.dropLast(5)), cutPath)
        XCTAssertEqual("\(readError(cutPath)!)",
                       "\(cutPath): the checkpoint is truncated: expected \(full.count) bytes, found \(full.count - 5). "
                       + "It was cut short (an interrupted copy or download?); use another checkpoint (the run "
                       + "folder keeps the latest and the best) or start a new run.")
    }

    func testFlippedByteAnywhereIsReportedAsDamage() throws {
        let path = directory + "/full.ckpt", damagedPath = directory + "/damaged.ckpt"
        try sample().write(to: path)
        let full = bytes(path)
        let sections = layout(full)
        let payloadStart = sections.first!.range.lowerBound
        for position in 0..<full.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = full
                damaged[position] ^= mask
                put(damaged, damagedPath)
                let error: CheckpointError
                do {
                    _ = try CheckpointFile.read(from: damagedPath)
                    XCTFail("byte \(position) ^ \(mask) went unnoticed")
                    continue
                } catch let caught as CheckpointError {
                    error = caught
                }
                switch error {
                case .corruptedHeader where position < payloadStart:
                    break
                case let .corruptedSection(_, name, _) where position >= payloadStart:
                    XCTAssertEqual(name, sections.first { $0.range.contains(position) }?.tag,
                                   "byte \(position) lies in another section")
                default:
                    XCTFail("byte \(position) ^ \(mask): \(error)")
                }
            }
        }
        var damaged = full
        damaged[payloadStart + 3] ^= 0x10
        put(damaged, damagedPath)
        XCTAssertTrue("\(readError(damagedPath)!)".hasPrefix(
            "\(damagedPath): the checkpoint is corrupted: section \"\(sections[0].tag)\" is damaged"))
        damaged = full
        damaged[0] = UInt8(ascii: "B")
        put(damaged, damagedPath)
        XCTAssertEqual(readError(damagedPath), .corruptedHeader(path: damagedPath, detail: "the magic bytes are damaged"))
    }

    func testAppendedBytesAreReported() throws {
        let path = directory + "/full.ckpt"
        try sample().write(to: path)
        put(bytes(path) + [0], path)
        XCTAssertEqual(readError(path), .corruptedHeader(path: path, detail: "1 unexpected bytes after the last section"))
    }

    /// The sections' byte ranges, parsed independently from the documented layout.
    private func layout(_ file: [UInt8]) -> [(tag: String, range: Range<Int>)] {
        var reader = ByteReader(file)
        _ = try? reader.readRaw(count: 12)
        let tableLength = Int(try! reader.readUInt32())
        _ = try? reader.readUInt32()
        XCTAssertEqual(crc32(Array(file[0..<16])), UInt32(littleEndian: file[16..<20].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        let count = try! reader.readUInt32()
        var result: [(String, Range<Int>)] = []
        var offset = 24 + tableLength
        for _ in 0..<count {
            let tag = String(decoding: try! reader.readRaw(count: Int(try! reader.readUInt8())), as: UTF8.self)
            _ = try! reader.readUInt64()
            let stored = Int(try! reader.readUInt64())
            _ = try! reader.readUInt32()
            _ = try! reader.readUInt32()
            result.append((tag, offset..<offset + stored))
            offset += stored
        }
        XCTAssertEqual(offset, file.count)
        XCTAssertEqual(result.map(\.0), ["config", "empty", "text", "weights"])
        return result
    }

    func testForeignFiles() throws {
        let path = directory + "/foreign"
        for content in [Array("hello, this is plain text and not a checkpoint".utf8), [0x1F, 0x8B, 8, 0, 0], Array("hi".utf8)] {
            put(content, path)
            XCTAssertEqual(readError(path), .notACheckpoint(path: path))
        }
        XCTAssertEqual("\(readError(path)!)",
                       "\(path): not an actlm checkpoint (it does not start with \"ACTLMCKP\"). Check the path.")
        put([], path)
        XCTAssertEqual(readError(path), .truncated(path: path, expected: 20, found: 0, exact: false))
    }

    func testNewerVersionIsNamed() throws {
        let path = directory + "/new.ckpt"
        try sample().write(to: path)
        var file = bytes(path)
        file[8] = 2
        let preludeCRC = crc32(Array(file[0..<16]))
        withUnsafeBytes(of: preludeCRC.littleEndian) { file.replaceSubrange(16..<20, with: $0) }
        // A newer version may lay out the rest differently: only the prelude must be readable.
        file.removeSubrange(40...)
        put(file, path)
        let error = readError(path)
        XCTAssertEqual(error, .newerVersion(path: path, version: 2, supported: CheckpointFile.formatVersion))
        XCTAssertTrue("\(error!)".contains("format version 2"), "\(error!)")
        XCTAssertTrue("\(error!)".contains("Upgrade actlm"), "\(error!)")
    }

    func testMissingAndUnreadablePaths() {
        let path = directory + "/nothing.ckpt"
        XCTAssertEqual(readError(path), .missing(path: path))
        XCTAssertTrue("\(readError(path)!)".hasPrefix("\(path): no such checkpoint."))
        XCTAssertEqual(readError(directory), .unreadable(path: directory, reason: "not a regular file"))
    }

    func testReadingChangesNothingOnDisk() throws {
        let path = directory + "/full.ckpt"
        try sample().write(to: path)
        var damaged = bytes(path)
        damaged[damaged.count / 2] ^= 0x55
        put(damaged, path)
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        _ = readError(path)
        XCTAssertEqual(bytes(path), damaged)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date, before)
        XCTAssertEqual(listing(), ["full.ckpt"])
    }

    // MARK: Failed writes leave the old file (AtomicFileTests covers the ways a write can fail)

    func testWritingIntoAMissingDirectoryThrows() throws {
        let path = directory + "/no/such/dir/latest.ckpt"
        XCTAssertThrowsError(try sample().write(to: path)) { error in
            guard case .writeFailed(path, let reason)? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("No such file or directory"), reason)
            XCTAssertTrue("\(error)".contains("The previous file at this path, if any, is unchanged"))
        }
        put([1], directory + "/file")
        XCTAssertThrowsError(try sample().write(to: directory + "/file/latest.ckpt")) { error in
            XCTAssertTrue("\(error)".contains("Not a directory"), "\(error)")
        }
        XCTAssertEqual(listing(), ["file"])
    }

    /// A full disk, as AtomicFile reports it, is a checkpoint write error that says what to do.
    func testDiskFullIsACheckpointWriteError() throws {
        let path = directory + "/latest.ckpt"
        try sample(seed: 1).write(to: path)
        let old = bytes(path)
        var operations = AtomicFile.Operations.system
        operations.write = { _, _ in errno = ENOSPC; return -1 }
        XCTAssertThrowsError(try sample(seed: 2).write(to: path, operations: operations)) { error in
            guard case .writeFailed(path, let reason)? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.hasSuffix("No space left on device"), reason)
            XCTAssertTrue("\(error)".hasPrefix("\(path): could not write the checkpoint ("), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("Free disk space or check the folder's permissions."), "\(error)")
        }
        XCTAssertEqual(bytes(path), old)
        XCTAssertEqual(listing(), ["latest.ckpt"])
    }

    /// A crash at any moment before the rename leaves the old, complete checkpoint at the path: the hooks
    /// look at the disk half-way through the write and just before the rename.
    func testTargetHoldsTheOldCheckpointUntilTheRename() throws {
        let path = directory + "/latest.ckpt"
        let old = try sample(seed: 1), new = try sample(seed: 2)
        try old.write(to: path)
        var checks = 0

        var operations = AtomicFile.Operations.system
        operations.write = { fd, buffer in
            // Short writes: the writer must loop; after the first chunk the temporary file is half written.
            let count = Foundation.write(fd, buffer.baseAddress, min(buffer.count, 300))
            if count > 0 && count < buffer.count {
                checks += 1
                XCTAssertEqual(try? CheckpointFile.read(from: path).payloads(), old.sections)
                let temporaries = self.listing().filter { $0 != "latest.ckpt" }
                XCTAssertEqual(temporaries.count, 1)
                if let temporary = temporaries.first {
                    XCTAssertTrue(temporary.hasPrefix(".latest.ckpt.") && temporary.hasSuffix(".tmp"), temporary)
                    let error = self.readError(self.directory + "/" + temporary)
                    if case .truncated? = error {} else { XCTFail("half-written temporary: \(String(describing: error))") }
                }
            }
            return count
        }
        operations.rename = { from, to in
            checks += 1
            XCTAssertEqual(try? CheckpointFile.read(from: to).payloads(), old.sections)
            XCTAssertEqual(try? CheckpointFile.read(from: from).payloads(), new.sections)
            return Foundation.rename(from, to)
        }
        try new.write(to: path, operations: operations)
        XCTAssertGreaterThanOrEqual(checks, 3)
        XCTAssertEqual(try CheckpointFile.read(from: path).payloads(), new.sections)
        XCTAssertEqual(listing(), ["latest.ckpt"])
    }


}

/// CRC-32 (IEEE, reflected, as zlib computes it), written out here to check the file format independently.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
    }
    return ~crc
}
