import Foundation
import XCTest
import ACTLM

/// Training checkpoints: every field survives a round trip, and every way a file can be wrong is reported
/// with a message that says which, without changing anything on disk. Built by hand: no model runs here.
final class TrainingCheckpointTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self).path
    }

    private func sample() -> TrainingCheckpoint {
        let options = TrainingFixtures.options()
        let config = options.model
        var random = RandomSource(seed: 5)
        let parameters = ParameterLayout(config: config).initialParameters(random: &random)
        var adam = Adam(parameterCount: parameters.count)
        var θ = parameters
        adam.update(parameters: &θ, gradients: parameters.map { $0 * 0.5 }, learningRate: 1e-3)
        var stats = PonderStats(layers: config.layers, maxPonder: config.maxPonder)
        let text = Array("The cat sat. On the mat\n".utf8)
        var trace = PonderTrace(text: text, layers: config.layers)
        for layer in 0..<config.layers {
            let rho = text.map { Float($0 % 5) / 2 + 1 }, steps = text.map { Int32($0 % 4) + 1 }
            stats.record(layer: layer, inputs: text, previous: [10], rho: rho, steps: steps)
            trace.record(layer: layer, start: 0, rho: rho, steps: steps)
        }
        let record = MetricsRecord(step: 1, chars: 64, elapsedSeconds: 0.5, trainBPC: 7.9, validBPC: 7.5,
                                   learningRate: 1e-3, gradNorm: 0.9, meanRho: [2.2, 2.3], charsPerSecond: 128)
        let info = CorpusInfo(path: "corpus.txt", format: .plain, totalBytes: 1000, distinctBytes: 30,
                              trainBytes: 900, validBytes: 100)
        return TrainingCheckpoint(
            options: options, corpus: TrainingCheckpoint.CorpusIdentity(info), step: 1, chars: 64,
            elapsedSeconds: 0.5, bestValidBPC: 7.5,
            validation: .init(step: 1, bpc: 7.5, meanRho: [2.2, 2.3], chars: 96),
            parameters: θ, adam: adam, positions: [0, 225, 450, 675],
            networkState: (0..<(2 * 2 * 4 * 16)).map { Float($0 % 200) / 100 - 1 }, random: random, history: [record],
            ponderStats: stats, ponderTrace: trace)
    }

    private func assertSame(_ a: TrainingCheckpoint, _ b: TrainingCheckpoint, file: StaticString = #filePath,
                            line: UInt = #line) {
        XCTAssertEqual(a.options, b.options, file: file, line: line)
        XCTAssertEqual(a.corpus, b.corpus, file: file, line: line)
        XCTAssertEqual(a.step, b.step, file: file, line: line)
        XCTAssertEqual(a.chars, b.chars, file: file, line: line)
        XCTAssertEqual(a.elapsedSeconds, b.elapsedSeconds, file: file, line: line)
        XCTAssertEqual(a.bestValidBPC, b.bestValidBPC, file: file, line: line)
        XCTAssertEqual(a.validation, b.validation, file: file, line: line)
        XCTAssertEqual(a.parameters.map(\.bitPattern), b.parameters.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(a.adam, b.adam, file: file, line: line)
        XCTAssertEqual(a.positions, b.positions, file: file, line: line)
        XCTAssertEqual(a.networkState.map(\.bitPattern), b.networkState.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(a.random, b.random, file: file, line: line)
        XCTAssertEqual(a.history, b.history, file: file, line: line)
        XCTAssertEqual(a.ponderStats, b.ponderStats, file: file, line: line)
        XCTAssertEqual(a.ponderTrace, b.ponderTrace, file: file, line: line)
    }

    private func written(_ checkpoint: TrainingCheckpoint, _ name: String = "latest.ckpt") throws -> String {
        let path = directory + "/" + name
        try checkpoint.write(to: path)
        return path
    }

    /// Reading `path` fails with a CheckpointError whose message contains `words`, and changes nothing.
    private func assertReadFails(_ path: String, _ words: [String], file: StaticString = #filePath,
                                 line: UInt = #line) -> CheckpointError? {
        let before = TrainingFixtures.bytes(path), listing = TrainingFixtures.listing(directory)
        defer {
            XCTAssertEqual(TrainingFixtures.bytes(path), before, "the file changed", file: file, line: line)
            XCTAssertEqual(TrainingFixtures.listing(directory), listing, "the folder changed", file: file, line: line)
        }
        do {
            _ = try TrainingCheckpoint.read(from: path)
            XCTFail("read succeeded", file: file, line: line)
        } catch let error as CheckpointError {
            for word in words {
                XCTAssertTrue(error.description.contains(word), "«\(word)» not in: \(error)", file: file, line: line)
            }
            return error
        } catch {
            XCTFail("not a CheckpointError: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: Round trip

    func testRoundTrip() throws {
        let original = sample()
        let read = try TrainingCheckpoint.read(from: try written(original))
        assertSame(original, read)
        XCTAssertEqual(read.writtenBy, ACTLMVersion.string)
        XCTAssertEqual(read.epochs, 64.0 / 900.0)
    }

    /// Other commands read the model of a training checkpoint through the shared model sections.
    func testModelSectionsAreReadableOnTheirOwn() throws {
        let original = sample()
        let model = try CheckpointFile.read(from: try written(original)).decodeModel()
        XCTAssertEqual(model.config, original.config)
        XCTAssertEqual(model.parameters, original.parameters)
    }

    func testWritingTheSameCheckpointGivesTheSameBytes() throws {
        let a = try written(sample(), "a.ckpt"), b = try written(sample(), "b.ckpt")
        XCTAssertEqual(TrainingFixtures.bytes(a), TrainingFixtures.bytes(b))
    }

    // MARK: Every way a file can be wrong

    func testMissingFile() {
        let error = assertReadFails(directory + "/nothing.ckpt", ["nothing.ckpt: no such checkpoint"])
        XCTAssertEqual(error, .missing(path: directory + "/nothing.ckpt"))
    }

    func testTruncatedAnywhere() throws {
        let path = try written(sample())
        let full = try XCTUnwrap(TrainingFixtures.bytes(path))
        for length in [0, 5, 19, 21, 60, full.count / 2, full.count - 1] {
            try Data(full[0..<length]).write(to: URL(fileURLWithPath: path))
            let error = assertReadFails(path, [path])
            switch error {
            case .truncated?:
                XCTAssertTrue(error!.description.contains("the checkpoint is truncated"), "\(error!)")
            case .notACheckpoint? where length < 8:
                break
            default:
                XCTFail("cut at \(length) of \(full.count): \(String(describing: error))")
            }
        }
    }

    func testCorruptedBytes() throws {
        let path = try written(sample())
        let full = try XCTUnwrap(TrainingFixtures.bytes(path))
        var random = RandomSource(seed: 9)
        for _ in 0..<40 {
            var damaged = full
            let offset = Int(random.next() % UInt64(full.count))
            damaged[offset] ^= UInt8(1 + random.next() % 255)
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let error = assertReadFails(path, [path])
            switch error {
            case .corruptedHeader?, .corruptedSection?, .truncated?:
                XCTAssertTrue(error!.description.contains("use another checkpoint"), "\(error!)")
            default:
                XCTFail("damage at \(offset): \(String(describing: error))")
            }
        }
    }

    func testForeignFile() throws {
        let path = directory + "/notes.ckpt"
        try Data("these are my notes, not a model\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(assertReadFails(path, ["not an actlm checkpoint"]), .notACheckpoint(path: path))
    }

    func testNewerContainerVersion() throws {
        let path = try written(sample())
        var bytes = try XCTUnwrap(TrainingFixtures.bytes(path))
        bytes[8] = 9  // format version 9, with the prelude checksum made to fit
        let crc = crc32(bytes[0..<16])
        for i in 0..<4 { bytes[16 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(assertReadFails(path, ["format version 9", "Upgrade actlm"]),
                       .newerVersion(path: path, version: 9, supported: CheckpointFile.formatVersion))
    }

    func testNewerTrainingSections() throws {
        let path = try written(sample())
        var file = try CheckpointFile.read(from: path)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try file.payload("training"))) as? [String: Any])
        json["format"] = 2
        file.sections["training"] = Array(try JSONSerialization.data(withJSONObject: json))
        try file.write(to: path)
        XCTAssertEqual(assertReadFails(path, ["version 2", "Upgrade actlm"]),
                       .newerVersion(path: path, version: 2, supported: TrainingCheckpoint.trainingFormat))
    }

    func testModelOnlyCheckpointHasNoTrainingState() throws {
        let path = directory + "/model.ckpt"
        var file = CheckpointFile()
        let original = sample()
        try file.encodeModel(config: original.config, parameters: original.parameters)
        try file.write(to: path)
        XCTAssertEqual(assertReadFails(path, ["has no section \"training\""]),
                       .missingSection(path: path, section: "training"))
    }

    func testEveryMissingSectionIsNamed() throws {
        let path = try written(sample())
        let complete = try CheckpointFile.read(from: path)
        for tag in complete.tags {
            var file = complete
            file.removeSection(tag)
            try file.write(to: path)
            XCTAssertEqual(assertReadFails(path, ["has no section \"\(tag)\""]),
                           .missingSection(path: path, section: tag))
        }
    }

    /// Intact files whose sections disagree with each other: written by something else, not damaged. A
    /// section of the wrong length is refused from the section table, before it is inflated.
    func testInconsistentSections() throws {
        let path = try written(sample())
        let complete = try CheckpointFile.read(from: path)
        let cases: [(String, (inout CheckpointFile) throws -> Void, [String])] = [
            ("adam", { $0.encode("adam") { Adam(parameterCount: 3).encode(into: &$0) } }, ["its length", "has exactly"]),
            ("corpus-positions", { $0.encode("corpus-positions") { $0.write(uint64Array: [1, 2]) } },
             ["claims 24 bytes", "B=4 has exactly 40"]),
            ("network-state", { $0.encode("network-state") { $0.write(floatArray: [1, 2, 3]) } },
             ["claims 20 bytes", "has exactly 1032"]),
            ("ponder-stats", { $0.encode("ponder-stats") { PonderStats(layers: 3, maxPonder: 4).encode(into: &$0) } },
             ["its length"]),
            ("ponder-trace", { file in file.encode("ponder-trace") { PonderTrace(text: [1], layers: 1).encode(into: &$0) } },
             ["a trace of 1 layers"]),
            ("random", { $0.sections["random"] = [1, 2, 3] }, ["claims 3 bytes", "exactly 32"]),
        ]
        for (section, change, words) in cases {
            var file = complete
            try change(&file)
            try file.write(to: path)
            let error = assertReadFails(path, words + ["in section \"\(section)\"", "is impossible", "checksums pass"])
            guard case .invalidValue(path, section, _, _)? = error else { return XCTFail("\(section): \(String(describing: error))") }
        }
        var file = complete
        try file.encodeJSON("training", ["format": 1])
        try file.write(to: path)
        let error = assertReadFails(path, ["does not decode", "section \"training\"", "written by an incompatible actlm"])
        guard case .malformedSection(_, "training", _)? = error else { return XCTFail("\(String(describing: error))") }
    }

    /// A corpus path stored in a checkpoint is opened on resume only if it is a regular file: a device, a
    /// FIFO or a folder gets an error that says to name it again.
    func testOnlyARegularFileNamedByACheckpointIsOpened() throws {
        let file = directory + "/corpus.txt", fifo = directory + "/fifo"
        try Data("text".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let remedy = "Name the corpus again if you mean it."
        XCTAssertEqual(try TrainingCheckpoint.CorpusIdentity.openable(file, as: .corpus, checkpoint: "c.ckpt", remedy: remedy), file)
        let missing = directory + "/gone.txt"
        XCTAssertEqual(try TrainingCheckpoint.CorpusIdentity.openable(missing, as: .corpus, checkpoint: "c.ckpt", remedy: remedy), missing)
        for (path, what) in [("/dev/zero", "a character device"), (fifo, "a FIFO"), (directory, "a folder")] {
            XCTAssertThrowsError(try TrainingCheckpoint.CorpusIdentity.openable(path, as: .corpus, checkpoint: "c.ckpt", remedy: remedy)) { error in
                XCTAssertTrue("\(error)".contains("c.ckpt names \(path) as its corpus, which is \(what)"), "\(error)")
                XCTAssertTrue("\(error)".hasSuffix("regular file. " + remedy), "\(error)")
            }
        }
        XCTAssertThrowsError(try TrainingCheckpoint.CorpusIdentity.openable(fifo, as: .validationFile, checkpoint: "c.ckpt", remedy: remedy)) { error in
            XCTAssertTrue("\(error)".contains("as its validation file"), "\(error)")
        }
    }

    /// `Corpus(of:)` opens the files a checkpoint names, split as the run split them; a stored path that
    /// is not a regular file is refused with the caller's remedy for its role, and a file the user names
    /// again is opened instead of the stored one.
    func testTheCorpusOfACheckpointOpensOnlyRegularFilesItNames() throws {
        let text = directory + "/corpus.txt", valid = directory + "/valid.txt", fifo = directory + "/fifo"
        try Data(String(repeating: "The cat sat on the mat. ", count: 50).utf8).write(to: URL(fileURLWithPath: text))
        try Data("A dog ran.".utf8).write(to: URL(fileURLWithPath: valid))
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let remedies = (corpus: "Name the corpus again.", validation: "Name the validation file again.")
        var checkpoint = sample()
        checkpoint.corpus.path = text
        checkpoint.options.validFraction = 0.1
        let split = try Corpus(of: checkpoint, at: "c.ckpt", remedies: remedies)
        XCTAssertEqual(split.info.validBytes, 120)
        XCTAssertNil(split.info.validPath)

        checkpoint.corpus.validPath = valid
        XCTAssertEqual(try Corpus(of: checkpoint, at: "c.ckpt", remedies: remedies).info.validBytes, 10)
        checkpoint.corpus.validPath = fifo
        XCTAssertThrowsError(try Corpus(of: checkpoint, at: "c.ckpt", remedies: remedies)) { error in
            XCTAssertTrue("\(error)".contains("names \(fifo) as its validation file, which is a FIFO"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix(remedies.validation), "\(error)")
        }
        XCTAssertEqual(try Corpus(of: checkpoint, at: "c.ckpt", validPath: valid, remedies: remedies).info.validPath, valid)

        checkpoint.corpus.path = directory
        XCTAssertThrowsError(try Corpus(of: checkpoint, at: "c.ckpt", remedies: remedies)) { error in
            XCTAssertTrue("\(error)".contains("names \(directory) as its corpus, which is a folder"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix(remedies.corpus), "\(error)")
        }
        let named = try Corpus(of: checkpoint, at: "c.ckpt", path: text, validPath: valid, remedies: remedies)
        XCTAssertEqual(named.path, text)
    }

    private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
