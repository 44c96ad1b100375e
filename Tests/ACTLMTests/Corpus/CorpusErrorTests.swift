import Foundation
import XCTest
import CZlib
import ACTLM

/// Every way a corpus can be wrong is reported with the file, the byte offset and what to do.
final class CorpusErrorTests: XCTestCase {
    private let text = CorpusFixtures.text(bytes: 200_000, seed: 7)

    /// The message of the error that reading all of `path` (or `body`) throws.
    private func message(reading path: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        message(file: file, line: line) { _ = try CorpusFixtures.readAll(ByteStream(path: path)) }
    }

    private func message(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> String {
        do {
            try body()
            XCTFail("no error was thrown", file: file, line: line)
            return ""
        } catch let error as CorpusError {
            return error.description
        } catch {
            XCTFail("not a CorpusError: \(error)", file: file, line: line)
            return ""
        }
    }

    private func assertContains(_ message: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for part in parts {
            XCTAssertTrue(message.contains(part), "«\(part)» is missing from: \(message)", file: file, line: line)
        }
    }

    func testMissingFileAndDirectory() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let missing = directory.appendingPathComponent("nope.gz").path
        assertContains(message(reading: missing), ["cannot open corpus '\(missing)'", "No such file or directory", "Check the path"])
        assertContains(message(reading: directory.path), ["'\(directory.path)' is a directory", "give the path of a"])
    }

    func testUnreadableFile() throws {
        guard getuid() != 0 else { throw XCTSkip("root reads any file") }
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(text, to: directory.appendingPathComponent("secret.txt"))
        chmod(path, 0)
        assertContains(message(reading: path), ["cannot open corpus '\(path)'", "Permission denied"])
    }

    func testTruncatedGzipAndZlib() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        for gzip in [true, false] {
            let whole = CorpusFixtures.deflated(text, gzip: gzip)
            for cut in [10, whole.count / 2, whole.count - 1] {
                let path = try CorpusFixtures.write(Array(whole[..<cut]), to: directory.appendingPathComponent("cut"))
                assertContains(message(reading: path), [
                    "'\(path)' is truncated", "its \(gzip ? "gzip" : "zlib") data stops at compressed byte \(cut)",
                    "copy or download it again",
                ])
            }
        }
    }

    func testTruncatedSecondMember() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let member = CorpusFixtures.deflated(text, gzip: true)
        let path = try CorpusFixtures.write(member + member.prefix(5), to: directory.appendingPathComponent("two.gz"))
        assertContains(message(reading: path), ["is truncated", "compressed byte \(member.count + 5)",
                                                "after \(text.count) decompressed bytes"])
    }

    func testFlippedByteInTheMiddleOfAGzipStream() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let whole = CorpusFixtures.deflated(text, gzip: true)
        // Any flip is caught, as bad deflate data or, failing that, by the trailer's CRC or length.
        for position in [whole.count / 2, whole.count / 3, 2 * whole.count / 3] {
            for mask in [0x01, 0x80, 0xff] as [UInt8] {
                var damaged = whole
                damaged[position] ^= mask
                let path = try CorpusFixtures.write(damaged, to: directory.appendingPathComponent("flip.gz"))
                let text = message(reading: path)
                assertContains(text, ["'\(path)' is damaged", "at compressed byte ", "Get a fresh copy"])
                XCTAssertTrue(text.contains("corrupt gzip data") || text.contains("gzip trailer"), text)
                let offset = Int(text.components(separatedBy: "compressed byte ")[1].prefix { $0.isNumber })!
                XCTAssertGreaterThanOrEqual(offset, position, text)
            }
        }
    }

    func testCorruptDeflateDataNamesZlibsReason() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        var damaged = CorpusFixtures.deflated(text, gzip: true)
        damaged[10] = 0x07  // the first block header: final, block type 3, which does not exist
        let path = try CorpusFixtures.write(damaged, to: directory.appendingPathComponent("bad.gz"))
        assertContains(message(reading: path), ["'\(path)' is damaged: corrupt gzip data at compressed byte 11",
                                                "(invalid block type)"])
    }

    func testBadCRCAndLengthInTheGzipTrailer() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let whole = CorpusFixtures.deflated(text, gzip: true)
        var badCRC = whole
        badCRC[whole.count - 8] ^= 0x55  // the trailer is CRC-32 then length, 4 bytes each
        var badLength = whole
        badLength[whole.count - 4] ^= 0x01
        let crcPath = try CorpusFixtures.write(badCRC, to: directory.appendingPathComponent("crc.gz"))
        let lengthPath = try CorpusFixtures.write(badLength, to: directory.appendingPathComponent("length.gz"))
        assertContains(message(reading: crcPath), [
            "'\(crcPath)' is damaged: the CRC-32 in the gzip trailer at compressed byte \(whole.count - 4)",
            "(\(text.count) bytes in that stream)",
        ])
        assertContains(message(reading: lengthPath), [
            "'\(lengthPath)' is damaged: the length in the gzip trailer at compressed byte \(whole.count)",
        ])
        // In a second member the offsets still count from the start of the file.
        let twice = try CorpusFixtures.write(whole + badCRC, to: directory.appendingPathComponent("twice.gz"))
        assertContains(message(reading: twice), ["CRC-32 in the gzip trailer at compressed byte \(2 * whole.count - 4)"])
    }

    func testBadAdlerChecksumInAZlibStream() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        // The small stream fits in the bytes format detection looks at; it is still zlib.
        for source in [text, Array(text.prefix(3_000))] {
            var damaged = CorpusFixtures.deflated(source, gzip: false)
            damaged[damaged.count - 1] ^= 0x10
            let path = try CorpusFixtures.write(damaged, to: directory.appendingPathComponent("bad.zlib"))
            assertContains(message(reading: path), [
                "'\(path)' is damaged: the Adler-32 checksum at the end of the zlib stream at compressed byte \(damaged.count)",
                "(\(source.count) bytes in that stream)",
            ])
        }
    }

    func testFlippedByteInTheMiddleOfAZlibStream() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        var damaged = CorpusFixtures.deflated(text, gzip: false)
        damaged[damaged.count / 2] ^= 0xff
        let path = try CorpusFixtures.write(damaged, to: directory.appendingPathComponent("flip.zlib"))
        let text = message(reading: path)
        assertContains(text, ["'\(path)' is damaged", "at compressed byte "])
        XCTAssertTrue(text.contains("corrupt zlib data") || text.contains("Adler-32"), text)
    }

    func testDataAfterTheEndOfTheStream() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let gzip = CorpusFixtures.deflated(text, gzip: true)
        let zlib = CorpusFixtures.deflated(text, gzip: false)
        let gzipPath = try CorpusFixtures.write(gzip + Array("junk".utf8), to: directory.appendingPathComponent("junk.gz"))
        let zlibPath = try CorpusFixtures.write(zlib + zlib, to: directory.appendingPathComponent("two.zlib"))
        let straySpace = try CorpusFixtures.write(gzip + [0x1f], to: directory.appendingPathComponent("stray.gz"))
        assertContains(message(reading: gzipPath), [
            "'\(gzipPath)' has extra data at compressed byte \(gzip.count) that is not another gzip member",
            "Remove the extra bytes",
        ])
        assertContains(message(reading: zlibPath), [
            "'\(zlibPath)' has extra data at compressed byte \(zlib.count) that follows the end of the zlib stream",
        ])
        assertContains(message(reading: straySpace), ["compressed byte \(gzip.count) that is not another gzip member"])
    }

    func testEmptyCorpusAndEmptyValidationFile() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let empty = try CorpusFixtures.write([], to: directory.appendingPathComponent("empty.txt"))
        let emptyGzip = try CorpusFixtures.write(CorpusFixtures.deflated([], gzip: true),
                                                 to: directory.appendingPathComponent("empty.gz"))
        let good = try CorpusFixtures.write(text, to: directory.appendingPathComponent("good.txt"))
        assertContains(message { _ = try Corpus(path: empty) }, ["'\(empty)' is empty", "Give a file with text in it"])
        assertContains(message { _ = try Corpus.scan(path: emptyGzip) }, ["'\(emptyGzip)' is empty"])
        assertContains(message { _ = try Corpus(path: good, validPath: empty) }, ["'\(empty)' is empty"])
    }

    func testCorpusShorterThanOneWindow() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(Array("0123456789".utf8), to: directory.appendingPathComponent("short.txt"))
        let corpus = try Corpus(path: path, validFraction: 0)
        XCTAssertNoThrow(try corpus.batches(batch: 2, seq: 9))
        assertContains(message { _ = try corpus.batches(batch: 2, seq: 10) }, [
            "'\(path)': the training part has 10 bytes, shorter than one window of 11 bytes",
            "Use a larger corpus, a shorter sequence length",
        ])
    }

    func testEmptyValidationPartWhenAskedFor() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(Array(text.prefix(10)), to: directory.appendingPathComponent("ten.txt"))
        assertContains(message { _ = try Corpus(path: path, validFraction: 0.05) }, [
            "'\(path)': the validation part is empty (0.05 of 10 bytes", "Raise --valid-fraction",
        ])
        let withoutValidation = try Corpus(path: path, validFraction: 0)
        assertContains(message { _ = try withoutValidation.validationStream() }, ["'\(path)' has no validation part"])
        assertContains(message { _ = try Corpus.scan(path: path, validFraction: 1) },
                       ["the validation fraction must be at least 0 and below 1 (got 1.0)"])
    }

    func testTrainingFromStandardInputIsRefused() {
        assertContains(message { _ = try Corpus(path: "-") }, [
            "standard input: training needs a file", "save standard input to a file",
        ])
    }

    func testPositionsFromAnotherCorpusAreRefused() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(text, to: directory.appendingPathComponent("c.txt"))
        let corpus = try Corpus(path: path)
        let train = corpus.info.trainBytes
        assertContains(message { _ = try corpus.batches(batch: 2, seq: 8, positions: [0, train]) }, [
            "stream position \(train) is outside the training part of '\(path)' (\(train) bytes)",
        ])
        assertContains(message { _ = try corpus.batches(batch: 3, seq: 8, positions: [0, 1]) }, [
            "positions for 2 streams but the batch size is 3",
        ])
    }

    func testFileThatShrinksDuringARun() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let path = try CorpusFixtures.write(text, to: directory.appendingPathComponent("c.txt"))
        let corpus = try Corpus(path: path, validFraction: 0)
        let batches = try corpus.batches(batch: 1, seq: 1_000)
        var window = BatchWindow(batch: 1, seq: 1_000)
        try batches.next(into: &window)
        _ = try CorpusFixtures.write(Array(text.prefix(50_000)), to: URL(fileURLWithPath: path))
        assertContains(message {
            for _ in 0..<300 { try batches.next(into: &window) }
        }, ["'\(path)' ends at decompressed byte 50000, short of byte \(text.count)", "the file changed"])
    }

    /// zlib failing for reasons other than the data (no memory, a mismatched library) cannot be brought
    /// about from a test, so the messages are checked on the error values: each says what went wrong.
    func testZlibFailuresSayWhatWentWrong() {
        let memory = CorpusError.zlibFailed(path: "c.gz", operation: "decompress", status: Z_MEM_ERROR).description
        assertContains(memory, ["cannot decompress 'c.gz': zlib ran out of memory", "smaller --batch"])
        let version = CorpusError.zlibFailed(path: "c.gz", operation: "start decompressing", status: Z_VERSION_ERROR)
        assertContains(version.description, ["cannot start decompressing 'c.gz'", "not the one actlm was built against",
                                             "rebuild"])
        let other = CorpusError.zlibFailed(path: "-", operation: "decompress", status: Z_STREAM_ERROR).description
        assertContains(other, ["cannot decompress standard input: zlib returned status \(Z_STREAM_ERROR)", "gzip -dc"])
    }
}
