import CZlib
import Foundation
import XCTest
@testable import ACTLM

/// Checkpoints whose checksums pass but whose contents lie. A real checkpoint of a tiny run is changed one
/// field at a time (every field of every section, each section's table entry, the header) to boundary
/// values, and re-encoded with valid checksums; each file must be refused with a clear error naming the
/// file, or open as a model that runs: scored, sampled and resumed for a step. Nothing may trap, take
/// 2 s, or take memory a genuine checkpoint of this size would not.
final class CheckpointFuzzTests: XCTestCase {
    private var directory = ""
    private var corpusPath = ""
    private var mutantPath = ""

    /// What the fuzzing found, for the summary line and the assertions at the end.
    private struct Tally {
        var files = 0, refused = 0, accepted = 0
        var bySection: [String: Int] = [:]
        var secondsBySection: [String: Double] = [:]
        var slowest = (seconds: 0.0, name: "")
    }
    private var tally = Tally()

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self).path
        corpusPath = try TrainingFixtures.corpus(in: URL(fileURLWithPath: directory), bytes: 6_000)
        try FileManager.default.createDirectory(atPath: directory + "/mutant", withIntermediateDirectories: true)
        mutantPath = directory + "/mutant/" + RunFolder.latestName
    }

    /// A tiny run with every optional field present: resets, a fixed decay, a validation, a trace.
    private func genuineCheckpoint() throws -> String {
        var options = TrainingFixtures.options()
        options.model = ModelConfig(layers: 2, hidden: 8, maxPonder: 3, epsilon: 0.1, stateReset: 16)
        options.batch = 2
        options.seq = 8
        options.validChars = 300
        options.traceChars = 40
        options.schedule = LearningRateSchedule(peak: 1e-2, warmupSteps: 1, decay: .cosine, floor: 1e-3)
        options.planDecay(endingAt: 10)
        let corpus = try Corpus(path: corpusPath, validFraction: options.validFraction)
        let trainer = try Trainer(corpus: corpus, options: options,
                                  folder: try RunFolder.create(root: directory + "/runs", name: "tiny"))
        _ = try trainer.train(limits: TrainingLimits(steps: 4),
                              cadence: TrainingCadence(evalEvery: 2, checkpointEvery: 0, logEvery: 1))
        return trainer.folder.latest
    }

    func testSlowEveryFieldChangedAloneIsRefusedOrRuns() throws {
        let genuinePath = try genuineCheckpoint()
        let genuineBytes = try XCTUnwrap(TrainingFixtures.bytes(genuinePath))
        let genuine = try CheckpointFile.read(from: genuinePath)
        XCTAssertNotNil(try TrainingCheckpoint.read(from: genuinePath).validation, "the run validated")
        let memoryBefore = peakMemory()

        for (field, values) in headerFields(genuineBytes) {
            for value in values {
                try check(patched(genuineBytes, field, value), "\(field.name) = \(value)", section: "(header)")
            }
        }
        for tag in genuine.tags {
            let raw = try genuine.payload(tag)
            func mutant(_ bytes: [UInt8], _ name: String) throws {
                var file = genuine
                file.sections[tag] = bytes
                try check(try file.serialized(compressionLevel: 1, path: mutantPath), "\(tag): \(name)", section: tag)
            }
            if tag == CheckpointFile.Tag.config || tag == TrainingCheckpoint.Tag.training {
                try jsonMutants(raw) { name, json in try mutant(json, name) }
            } else {
                for field in binaryFields(tag, raw) {
                    for value in field.kind.values(original: field.read(raw)) {
                        var bytes = raw
                        field.write(value, into: &bytes)
                        try mutant(bytes, "\(field.name) = \(field.kind.describe(value))")
                    }
                }
            }
            try mutant([], "empty")
            try mutant(Array(raw.dropLast()), "last byte cut")
            try mutant(raw + [UInt8](repeating: 0, count: 8), "8 bytes appended")
            // A section that really inflates to 64 MiB more (about 64 KB stored), deflated in pieces so the
            // test itself never holds it.
            try check(replacing(tag, in: genuineBytes, with: raw, zerosAppended: 64 << 20),
                      "\(tag): 64 MiB of zeros appended", section: tag)
        }

        let grown = peakMemory() - memoryBefore
        print("checkpoint fuzz: \(tally.files) files, \(tally.refused) refused, \(tally.accepted) accepted and run; "
              + "by section \(tally.bySection.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
              + "slowest \(String(format: "%.3f", tally.slowest.seconds)) s (\(tally.slowest.name)); "
              + "peak memory grew \(grown >> 20) MB; seconds opening by section "
              + tally.secondsBySection.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value))" }.joined(separator: ", "))
        XCTAssertLessThan(grown, 100 << 20 + 2 * genuineBytes.count, "the peak memory of the process grew")
        XCTAssertGreaterThan(tally.files, 1_000)
        XCTAssertGreaterThan(tally.refused, 0)
        XCTAssertGreaterThan(tally.accepted, 0)
    }

    /// The worst of the mutants (the largest claims, the inflating sections, the traps of old) through
    /// every command's own process: each refuses with the file named, or runs, never killed by a signal,
    /// and at most twice the memory it takes on the genuine checkpoint plus 100 MB.
    func testSlowEveryCommandRefusesTheWorstInBoundedMemory() throws {
        let genuinePath = try genuineCheckpoint()
        let genuineBytes = try XCTUnwrap(TrainingFixtures.bytes(genuinePath))
        let genuine = try CheckpointFile.read(from: genuinePath)
        let text = directory + "/text.txt"
        try Data(String(repeating: "the cat sat on the mat. ", count: 40).utf8).write(to: URL(fileURLWithPath: text))
        func commands(_ checkpoint: String) -> [[String]] {
            [["inspect", checkpoint], ["eval", checkpoint, text], ["sample", "--checkpoint", checkpoint, "--length", "20"],
             ["ponder-map", text, "--checkpoint", checkpoint, "--format", "tsv"],
             ["export", checkpoint, "-o", directory + "/model.safetensors"], ["report", checkpoint, "-o", "-"],
             ["train", "--resume", checkpoint, "--steps", "5"],
             ["bench", "--checkpoint", checkpoint, "--seconds", "0.2", "--warmup", "0"]]
        }
        let baseline = try commands(genuinePath).map { arguments -> Int in
            let output = try run(arguments)
            XCTAssertEqual(output.status, 0, "\(arguments): \(output.stderr)")
            return output.peakMemory
        }

        func mutant(_ tag: String, _ change: ([UInt8]) throws -> [UInt8]) throws -> [UInt8] {
            var file = genuine
            file.sections[tag] = try change(try genuine.payload(tag))
            return try file.serialized(compressionLevel: 1, path: mutantPath)
        }
        func json(_ tag: String, _ change: @escaping (inout [String: Any]) -> Void) throws -> [UInt8] {
            try mutant(tag) { raw in
                var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any])
                change(&object)
                return Array(try JSONSerialization.data(withJSONObject: object))
            }
        }
        func options(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            { training in
                var options = training["options"] as! [String: Any]
                change(&options)
                training["options"] = options
            }
        }
        let table = headerFields(genuineBytes)
        let parametersClaim = try XCTUnwrap(table.first { $0.0.name == "parameters: raw length" }).0
        var cases: [(String, [UInt8])] = [
            ("parameters claiming 1,000× their length", patched(genuineBytes, parametersClaim,
                FieldValue(parametersClaim.read(genuineBytes) * 1_000))),
            ("config: hidden = 2^31", try json("config") { $0["hidden"] = 1 << 31 }),
            ("training: reset interval −1", try json("training", options { model in
                var m = model["model"] as! [String: Any]
                m["stateReset"] = -1
                model["model"] = m
            })),
            ("training: corpus /dev/zero", try json("training") { training in
                var corpus = training["corpus"] as! [String: Any]
                corpus["path"] = "/dev/zero"
                training["corpus"] = corpus
            }),
            ("parameters[0] = NaN", try mutant("parameters") { raw in
                var bytes = raw
                store(UInt64(Float.nan.bitPattern), 4, into: &bytes, at: 8)
                return bytes
            }),
        ]
        for tag in ["parameters", "adam", "network-state", "ponder-stats"] {
            cases.append(("\(tag) inflating to 64 MiB more",
                          try replacing(tag, in: genuineBytes, with: try genuine.payload(tag), zerosAppended: 64 << 20)))
        }
        var worst = (ratio: 0.0, seconds: 0.0, name: "")
        for (name, bytes) in cases {
            try put(bytes, mutantPath)
            for (arguments, base) in zip(commands(mutantPath), baseline) {
                let watch = Stopwatch()
                let output = try run(arguments)
                let seconds = watch.seconds
                let label = "\(name): actlm \(arguments[0])"
                XCTAssertNil(output.signal, "\(label) was killed by signal \(output.signal ?? 0): \(output.stderr)")
                if output.status != 0 {
                    XCTAssertTrue(output.stderr.contains(mutantPath), "\(label): \(output.stderr)")
                }
                let allowed = 2 * base + (100 << 20)
                XCTAssertLessThan(output.peakMemory, allowed, "\(label): peak \(output.peakMemory >> 20) MB")
                let ratio = Double(output.peakMemory) / Double(base)
                if ratio > worst.ratio { worst = (ratio, seconds, label) }
            }
        }
        print("checkpoint fuzz, every command: \(cases.count) files × \(baseline.count) commands; the most memory "
              + "against the genuine file: \(String(format: "%.2f", worst.ratio))× (\(worst.name), "
              + "\(String(format: "%.2f", worst.seconds)) s)")
    }

    /// Runs actlm in the test's folder, killing it if it takes more than 60 s (a read that never ends).
    private func run(_ arguments: [String]) throws -> ChildProcess.Output {
        let child = try ActlmBinary.start(arguments, in: directory, discardingOutput: true)
        if !TrainingFixtures.wait(seconds: 60, until: { !child.isRunning }) {
            child.signal(SIGKILL)
            XCTFail("\(arguments) did not end within 60 s")
        }
        return try child.wait()
    }

    // MARK: Opening a mutant

    /// Opens `bytes` as every command does: as a model (eval, sample, ponder-map) and as a training
    /// checkpoint (inspect, report, train --resume, bench). Each either fails with a clear error or runs.
    private func check(_ bytes: [UInt8], _ name: String, section: String) throws {
        try put(bytes, mutantPath)
        if ProcessInfo.processInfo.environment["ACTLM_FUZZ_TRACE"] != nil { FileHandle.standardError.write(Data("\(peakMemory() >> 20) MB \(String(format: "%.2f", Date().timeIntervalSince1970)) \(name)\n".utf8)) }
        tally.files += 1
        tally.bySection[section, default: 0] += 1
        let watch = Stopwatch()
        var refused = false
        do {
            let model = try TrainedModel.load(mutantPath)
            try runs(model, name)
        } catch {
            refused = true
            assertClear(error, name)
        }
        do {
            let checkpoint = try TrainingCheckpoint.read(from: mutantPath)
            try resumes(checkpoint, name)
        } catch let error as CheckpointError {
            refused = true
            assertClear(error, name)
        } catch {
            // Accepted, and then refused by training (another corpus, a diverging step): clear all the same.
            XCTAssertTrue(error is TrainingError || error is CorpusError, "\(name): \(type(of: error)) \(error)")
        }
        if refused { tally.refused += 1 } else { tally.accepted += 1 }
        let seconds = watch.seconds
        tally.secondsBySection[section, default: 0] += seconds
        if seconds > tally.slowest.seconds { tally.slowest = (seconds, name) }
        XCTAssertLessThan(seconds, 2, "\(name) took \(seconds) s")
    }

    private func assertClear(_ error: Error, _ name: String) {
        guard let error = error as? CheckpointError else {
            return XCTFail("\(name): not a CheckpointError: \(type(of: error)) \(error)")
        }
        XCTAssertTrue(error.description.contains(mutantPath), "\(name): the file is not named: \(error)")
        switch error {
        case .invalidValue(_, let section, let field, _):
            XCTAssertFalse(section.isEmpty || field.isEmpty, "\(name): \(error)")
        case .malformedSection, .corruptedSection, .missingSection, .sectionTooLarge, .corruptedHeader, .truncated,
             .newerVersion:
            XCTAssertTrue(error.description.contains("section") || error.description.contains("header")
                          || error.description.contains("version") || error.description.contains("truncated"),
                          "\(name): \(error)")
        default:
            XCTFail("\(name): \(error)")
        }
    }

    /// An accepted model scores text to a finite bpc and samples.
    private func runs(_ model: TrainedModel, _ name: String) throws {
        let text = Array("The cat sat on the mat.\nA dog ran in the park, then home again.\n".utf8)
        let evaluation = try TextScorer(config: model.config, batch: 4).run(parameters: model.parameters, bytes: text)
        let bpc = try XCTUnwrap(evaluation.bitsPerCharacter)
        XCTAssertTrue(bpc.isFinite && bpc >= 0, "\(name): bpc \(bpc)")
        let generator = TextGenerator(model: model, sampler: try Sampler(seed: 1))
        for _ in 0..<4 { _ = generator.next() }
    }

    /// An accepted training checkpoint shows as inspect and report show it, and resumes for one step on
    /// the corpus it names.
    private func resumes(_ checkpoint: TrainingCheckpoint, _ name: String) throws {
        _ = PonderReport(checkpoint.ponderStats).text
        _ = PonderSignals(trace: checkpoint.ponderTrace).metrics().text
        _ = PonderReport.traceText(checkpoint.ponderTrace)
        _ = try RunReportPage(runs: [try ReportRun.load(mutantPath)]).bytes()
        let corpus = try Corpus(of: checkpoint, at: mutantPath, remedies: (corpus: "", validation: ""))
        let trainer = try Trainer(corpus: corpus, resuming: checkpoint, from: mutantPath,
                                  folder: RunFolder.containing(mutantPath))
        _ = try trainer.train(limits: TrainingLimits(steps: checkpoint.step + 1),
                              cadence: TrainingCadence(evalEvery: 0, checkpointEvery: 0, logEvery: 1))
        XCTAssertTrue(trainer.parameters.allSatisfy(\.isFinite), "\(name): weights after a resumed step")
    }

    // MARK: The header and the section table

    /// Every field of the prelude and of each section's table entry, with the values to try, as
    /// (offset, name, values); `patched` keeps both checksums valid.
    private func headerFields(_ file: [UInt8]) -> [(Field, [FieldValue])] {
        func field(_ offset: Int, _ name: String, _ kind: FieldKind) -> (Field, [FieldValue]) {
            (Field(name: name, offset: offset, kind: kind), kind.values(original: load(file, offset, kind.size)))
        }
        var fields = [field(8, "format version", .u32), field(12, "section table length", .u32),
                      field(20, "section count", .u32)]
        var at = 24
        for _ in 0..<load(file, 20, 4) {
            let length = Int(file[at])
            let tag = String(decoding: file[at + 1..<at + 1 + length], as: UTF8.self)
            fields.append(field(at, "\(tag): name length", .u8))
            at += 1 + length
            fields.append(field(at, "\(tag): raw length", .u64))
            fields.append(field(at + 8, "\(tag): stored length", .u64))
            at += 24
        }
        return fields
    }

    private func patched(_ file: [UInt8], _ field: Field, _ value: FieldValue) -> [UInt8] {
        var bytes = file
        field.write(value, into: &bytes)
        store(UInt64(crc(bytes[0..<16])), 4, into: &bytes, at: 16)
        let tableEnd = 20 + Int(load(file, 12, 4))
        if tableEnd + 4 <= bytes.count {
            store(UInt64(crc(bytes[20..<tableEnd])), 4, into: &bytes, at: tableEnd)
        }
        return bytes
    }

    /// `file` with section `tag` replaced by `raw` followed by `zeros` zero bytes, deflated a megabyte at a
    /// time; the other sections are copied as stored, and the table and its checksums written anew.
    private func replacing(_ tag: String, in file: [UInt8], with raw: [UInt8], zerosAppended zeros: Int) throws -> [UInt8] {
        var stream = z_stream()
        XCTAssertEqual(deflateInit_(&stream, 1, zlibVersion(), Int32(MemoryLayout<z_stream>.size)), Z_OK)
        defer { deflateEnd(&stream) }
        var stored: [UInt8] = [], rawCRC = crc(raw[...])
        let zero = [UInt8](repeating: 0, count: 1 << 20)
        var output = [UInt8](repeating: 0, count: 1 << 20)
        func feed(_ input: [UInt8], finish: Bool) {
            input.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                repeat {
                    output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        _ = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                        stored += out[0..<out.count - Int(stream.avail_out)]
                    }
                } while stream.avail_out == 0
            }
        }
        feed(raw, finish: false)
        for i in 0..<zeros >> 20 {
            rawCRC = zero.withUnsafeBufferPointer { UInt32(crc32(uLong(rawCRC), $0.baseAddress, uInt($0.count))) }
            feed(zero, finish: i == (zeros >> 20) - 1)
        }

        var table: [UInt8] = [], payloads: [UInt8] = []
        func append(_ value: UInt64, _ size: Int, to bytes: inout [UInt8]) {
            bytes += [UInt8](repeating: 0, count: size)
            store(value, size, into: &bytes, at: bytes.count - size)
        }
        let count = Int(load(file, 20, 4))
        append(UInt64(count), 4, to: &table)
        var at = 24, payload = 20 + Int(load(file, 12, 4)) + 4
        for _ in 0..<count {
            let length = Int(file[at])
            let name = String(decoding: file[at + 1..<at + 1 + length], as: UTF8.self)
            let storedLength = Int(load(file, at + 1 + length + 8, 8))
            if name == tag {
                table += file[at..<at + 1 + length]
                append(UInt64(raw.count + zeros), 8, to: &table)
                append(UInt64(stored.count), 8, to: &table)
                append(UInt64(crc(stored[...])), 4, to: &table)
                append(UInt64(rawCRC), 4, to: &table)
                payloads += stored
            } else {
                table += file[at..<at + 1 + length + 24]
                payloads += file[payload..<payload + storedLength]
            }
            at += 1 + length + 24
            payload += storedLength
        }
        var bytes = Array(file[0..<20])
        store(UInt64(table.count), 4, into: &bytes, at: 12)
        store(UInt64(crc(bytes[0..<16])), 4, into: &bytes, at: 16)
        bytes += table
        append(UInt64(crc(table[...])), 4, to: &bytes)
        return bytes + payloads
    }

    // MARK: Binary sections

    private enum FieldKind {
        case u8, u32, u64, f32, f64

        var size: Int {
            switch self {
            case .u8: return 1
            case .u32, .f32: return 4
            case .u64, .f64: return 8
            }
        }

        /// Boundary values: 0, −1, the largest, one more, a thousand times more (a huge length), NaN, ±∞.
        func values(original: UInt64) -> [FieldValue] {
            switch self {
            case .u8: return [0, 1, 2, 0xFF].map(FieldValue.init)
            case .u32: return [0, 1, 0xFFFF_FFFF, 0x8000_0000, original &+ 1].map(FieldValue.init)
            case .u64: return [0, 1, UInt64.max, UInt64(Int64.max), 1 << 32, original &+ 1, original &* 1_000]
                .map(FieldValue.init)
            case .f32: return [0, -1, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
                .map { FieldValue(UInt64(($0 as Float).bitPattern)) }
            case .f64: return [0, -1, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
                .map { FieldValue(($0 as Double).bitPattern) }
            }
        }

        func describe(_ value: FieldValue) -> String {
            switch self {
            case .f32: return "\(Float(bitPattern: UInt32(truncatingIfNeeded: value.bits)))"
            case .f64: return "\(Double(bitPattern: value.bits))"
            default: return "\(value.bits)"
            }
        }
    }

    private struct FieldValue: CustomStringConvertible {
        let bits: UInt64
        init(_ bits: UInt64) { self.bits = bits }
        var description: String { "\(bits)" }
    }

    private struct Field {
        let name: String
        let offset: Int
        let kind: FieldKind

        func read(_ bytes: [UInt8]) -> UInt64 { load(bytes, offset, kind.size) }
        func write(_ value: FieldValue, into bytes: inout [UInt8]) { store(value.bits, kind.size, into: &bytes, at: offset) }
    }

    /// The fields of binary section `tag`, found by walking its genuine bytes in the documented layout
    /// (the encoders in Adam, MetricsLog, PonderStats, PonderTrace and TrainingCheckpoint): every scalar,
    /// and of each array its count and its first, middle and last element.
    private func binaryFields(_ tag: String, _ raw: [UInt8]) -> [Field] {
        var fields: [Field] = [], at = 0
        func scalar(_ name: String, _ kind: FieldKind, keep: Bool = true) {
            if keep { fields.append(Field(name: name, offset: at, kind: kind)) }
            at += kind.size
        }
        func array(_ name: String, _ kind: FieldKind, keep: Bool = true) {
            let count = Int(load(raw, at, 8))
            if keep {
                fields.append(Field(name: "\(name).count", offset: at, kind: .u64))
                for i in Set([0, count / 2, count - 1]).sorted() where i >= 0 && i < count {
                    fields.append(Field(name: "\(name)[\(i)]", offset: at + 8 + i * kind.size, kind: kind))
                }
            }
            at += 8 + count * kind.size
        }
        switch tag {
        case CheckpointFile.Tag.parameters:
            array("parameters", .f32)
        case TrainingCheckpoint.Tag.adam:
            scalar("version", .u32)
            for name in ["beta1", "beta2", "epsilon", "weightDecay"] { scalar(name, .f32) }
            scalar("step", .u64)
            array("m", .f32)
            array("v", .f32)
        case TrainingCheckpoint.Tag.positions:
            array("positions", .u64)
        case TrainingCheckpoint.Tag.networkState:
            array("state", .f32)
        case TrainingCheckpoint.Tag.random:
            for i in 0..<4 { scalar("word \(i)", .u64) }
        case TrainingCheckpoint.Tag.metrics:
            scalar("version", .u32)
            let count = Int(load(raw, at, 8))
            scalar("count", .u64)
            for r in 0..<count {
                let keep = r == 0 || r == count - 1
                for (name, kind) in [("step", FieldKind.u64), ("chars", .u64), ("elapsedSeconds", .f64),
                                     ("trainBPC", .f64), ("hasValid", .u8), ("validBPC", .f64),
                                     ("learningRate", .f64), ("gradNorm", .f64)] {
                    scalar("record[\(r)].\(name)", kind, keep: keep)
                }
                array("record[\(r)].meanRho", .f64, keep: keep)
                scalar("record[\(r)].charsPerSecond", .f64, keep: keep)
            }
        case TrainingCheckpoint.Tag.ponderStats:
            for name in ["version", "layers", "maxPonder", "classes"] { scalar(name, .u32) }
            for (name, kind) in [("rhoByByte", FieldKind.f64), ("stepsByByte", .f64), ("countByByte", .u64),
                                 ("rhoByClass", .f64), ("stepsByClass", .f64), ("countByClass", .u64),
                                 ("stepHistogram", .u64)] {
                array(name, kind)
            }
        case TrainingCheckpoint.Tag.ponderTrace:
            let version = load(raw, 0, 4)
            scalar("version", .u32)
            scalar("layers", .u32)
            array("text", .u8)
            array("rho", .f32)
            array("steps", .u32)
            if version >= 2 { array("bits", .f32) }
            if version >= 3 { array("entropy", .f32) }
        default:
            XCTFail("a section the fuzzing does not know: \(tag); describe its layout here")
        }
        XCTAssertEqual(at, raw.count, "the walk of \(tag) covers the section exactly")
        return fields
    }

    // MARK: JSON sections

    /// Every value of the JSON (leaves, arrays and objects) replaced by each boundary value, or removed;
    /// strings also by a 2 MiB one. Each mutant goes to `body` as it is made.
    private func jsonMutants(_ raw: [UInt8], _ body: (String, [UInt8]) throws -> Void) throws {
        let root = try JSONSerialization.jsonObject(with: Data(raw))
        let values: [(String, Any?)] = [
            ("0", 0), ("-1", -1), ("Int64.max", Int64.max), ("Int64.min", Int64.min), ("2^32", 1 << 32),
            ("1e300", 1e300), ("-1e300", -1e300), ("NaN", "nan"), ("+inf", "inf"), ("-inf", "-inf"),
            ("\"\"", ""), ("/dev/zero", "/dev/zero"), ("true", true), ("[]", [Any]()), ("removed", nil),
        ]
        let huge: [(String, Any?)] = [("2 MiB string", String(repeating: "x", count: 2 << 20))]
        func visit(_ node: Any, _ path: [Any]) throws {
            if let object = node as? [String: Any] {
                for key in object.keys.sorted() { try visit(object[key]!, path + [key]) }
            } else if let array = node as? [Any] {
                for i in Set([0, array.count - 1]).sorted() where i >= 0 && i < array.count {
                    try visit(array[i], path + [i])
                }
            }
            guard !path.isEmpty else { return }
            let name = path.map { "\($0)" }.joined(separator: ".")
            for (label, value) in values + (node is String ? huge : []) {
                let changed = replacing(root, at: path[...], with: value)
                try body("\(name) = \(label)", Array(try JSONSerialization.data(withJSONObject: changed)))
            }
        }
        try visit(root, [])
    }

    private func replacing(_ node: Any, at path: ArraySlice<Any>, with value: Any?) -> Any {
        guard let first = path.first else { return value ?? NSNull() }
        if var object = node as? [String: Any], let key = first as? String {
            if path.count == 1 && value == nil {
                object[key] = nil
            } else {
                object[key] = replacing(object[key]!, at: path.dropFirst(), with: value)
            }
            return object
        }
        var array = node as! [Any]
        let i = first as! Int
        if path.count == 1 && value == nil {
            array.remove(at: i)
        } else {
            array[i] = replacing(array[i], at: path.dropFirst(), with: value)
        }
        return array
    }

    // MARK: Helpers

    private func put(_ bytes: [UInt8], _ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ProgramError("cannot write \(path)") }
        defer { close(fd) }
        XCTAssertEqual(bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }, bytes.count)
    }

    private func peakMemory() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    private func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}

private func load(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
    (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
}

private func store(_ value: UInt64, _ size: Int, into bytes: inout [UInt8], at offset: Int) {
    for i in 0..<size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
}
