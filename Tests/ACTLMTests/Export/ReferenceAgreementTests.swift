import Foundation
import XCTest
import ACTLM

/// actlm against a second implementation: small models trained with real pondering, exported, and
/// scored on a real text by `actlm ponder-map --format tsv` and by reference/actlm_reference.py
/// (NumPy, float64, written from docs/act-lstm.md and the paper), compared field by field.
///
/// Bits and ρ must agree within 1e-4 as printed (4 decimals). N must be equal, except where a layer's
/// cumulative halting sum lies within 1e-5 of 1 − ε, which float32 and float64 may put on either side;
/// the reference lists those bytes. After such a byte the two states differ for the rest of the
/// segment (until the next reset), so those bytes are counted, not compared.
final class ReferenceAgreementTests: XCTestCase {
    /// One kind of model the test trains and scores, on all the text or on its first `shortBytes`.
    struct Kind {
        var name: String
        var flags: [String]
        var ponders = true
        var wholeText = true
        /// K for the fixed-computation control, whose every byte takes K steps.
        var fixedSteps: Int? = nil
    }

    static let tolerance = 1e-4
    static let textBytes = 20_000
    /// The reference reads 2,000–6,000 bytes/s on a busy 2-core machine: the kinds beyond the three
    /// the whole text is for read a part of it, to keep the test near a minute.
    static let shortBytes = 6_000

    /// Every halting input, both scopes, with and without resets, M = 1, and the fixed-computation control.
    static let kinds = [
        Kind(name: "default (h-c, each layer halts, reset 500)", flags: []),
        Kind(name: "M = 1", flags: ["--max-ponder", "1"], ponders: false),
        Kind(name: "stack scope", flags: ["--halting-scope", "stack"]),
        Kind(name: "h, never reset", flags: ["--halting-input", "h", "--reset-every", "0"], wholeText: false),
        Kind(name: "h-tanh-c, reset 200", flags: ["--halting-input", "h-tanh-c", "--reset-every", "200"],
             wholeText: false),
        Kind(name: "stack scope, h-tanh-c, reset 200",
             flags: ["--halting-scope", "stack", "--halting-input", "h-tanh-c", "--reset-every", "200"],
             wholeText: false),
        Kind(name: "fixed control, K = 2", flags: ["--fixed-ponder", "2"], ponders: false, wholeText: false,
             fixedSteps: 2),
    ]

    /// Tiny and briefly trained, with a ponder cost low enough and halting units free enough from the
    /// first step that N still varies from byte to byte when training stops (checked below).
    static let training = ["--layers", "2", "--hidden", "16", "--batch", "8", "--seq", "50", "--steps", "400",
                           "--lr", "0.01", "--warmup", "0", "--tau", "0.003", "--halting-bias", "0",
                           "--halting-warmup", "0", "--eval-every", "0", "--valid-chars", "2000"]

    func testReferenceAgreesWithActlmOnEveryKindOfModel() throws {
        let python = try Self.venvPython()
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let (text, source) = try Self.realText(bytes: Self.textBytes)
        try Data(text).write(to: URL(fileURLWithPath: directory + "/text.txt"))
        try Data(text.prefix(Self.shortBytes)).write(to: URL(fileURLWithPath: directory + "/short.txt"))
        print("reference agreement on \(text.count) bytes of \(source)")

        for (k, kind) in Self.kinds.enumerated() {
            let run = "m\(k)", scored = kind.wholeText ? "text.txt" : "short.txt"
            let bytes = kind.wholeText ? text.count : Self.shortBytes
            let train = try ActlmBinary.run(["train", "text.txt", "--run-name", run] + Self.training + kind.flags,
                                            in: directory)
            XCTAssertEqual(train.status, 0, "\(kind.name): \(train.stderr)")
            let checkpoint = "checkpoints/\(run)/latest.ckpt"
            let export = try ActlmBinary.run(["export", checkpoint, "-o", run + ".safetensors"], in: directory)
            XCTAssertEqual(export.status, 0, "\(kind.name): \(export.stderr)")

            let mapStart = Date()
            let map = try ActlmBinary.run(["ponder-map", scored, "--checkpoint", checkpoint, "--format", "tsv"],
                                          in: directory)
            let mapSeconds = Date().timeIntervalSince(mapStart)
            XCTAssertEqual(map.status, 0, "\(kind.name): \(map.stderr)")

            let reference = try ChildProcess(python, [Self.script, "score", run + ".safetensors", scored,
                                                      "--near-threshold", run + ".near.tsv"],
                                             in: directory, stdout: directory + "/\(run).ref.tsv",
                                             stderr: directory + "/\(run).ref.err").wait()
            XCTAssertEqual(reference.status, 0, "\(kind.name): \(reference.stderr)")
            guard train.status == 0, export.status == 0, map.status == 0, reference.status == 0 else { continue }

            let config = try TrainedModel.load(directory + "/" + checkpoint).config
            let near = try NearThreshold(String(contentsOfFile: directory + "/\(run).near.tsv", encoding: .utf8))
            var agreement = Agreement(kind: kind.name, config: config, near: near)
            agreement.compare(actlm: map.text, reference: reference.text)

            // The bpc over the whole text, unrounded: actlm eval's against the reference's (8 decimals).
            let eval = try ActlmBinary.run(["eval", checkpoint, scored, "--json"], in: directory)
            let evalBPC = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(eval.stdout)) as? [String: Any])?["bpc"]
                                        as? Double, eval.stderr)
            let referenceBPC = try XCTUnwrap(reference.stderr.components(separatedBy: "bpc ").last?
                .split(separator: ",").first.flatMap { Double($0) }, reference.stderr)
            XCTAssertEqual(evalBPC, referenceBPC, accuracy: 1e-5, kind.name)
            print(agreement.summary + String(format: "; bpc %.6f, |Δ bpc| %.1e; actlm ponder-map %.0f bytes/s "
                                            + "(whole command), reference: ", evalBPC, abs(evalBPC - referenceBPC),
                                            Double(bytes) / mapSeconds)
                  + reference.stderr.trimmingCharacters(in: .whitespacesAndNewlines))

            XCTAssertEqual(agreement.rows, bytes, "\(kind.name): a row per byte")
            XCTAssertTrue(agreement.problems.isEmpty,
                          "\(kind.name): \(agreement.problems.count) disagreements, the first: "
                          + agreement.problems.prefix(5).joined(separator: "; "))
            XCTAssertLessThan(agreement.skipped, bytes / 10, "\(kind.name): most bytes are compared")
            if let steps = kind.fixedSteps {
                XCTAssertEqual(agreement.steps, Array(repeating: [steps], count: config.layers), kind.name)
            } else if kind.ponders {
                XCTAssertTrue(agreement.steps.contains { $0.count >= 2 },
                              "\(kind.name): N should vary from byte to byte (it took \(agreement.steps))")
            } else {
                XCTAssertEqual(agreement.steps, Array(repeating: [1], count: config.layers), kind.name)
                // The same arrays in PyTorch's nn.LSTM, where torch is installed (never by the project).
                let torch = try ChildProcess(python, [Self.packageRoot.appendingPathComponent(
                    "reference/torch_lstm_check.py").path, run + ".safetensors", scored], in: directory,
                    stdout: directory + "/torch.out", stderr: directory + "/torch.err").wait()
                XCTAssertEqual(torch.status, 0, torch.text + torch.stderr)
                print("torch_lstm_check.py: " + torch.text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// The comparison itself, on tables made up here: it must catch what the test is for.
    func testTheComparisonCatchesDisagreementsAndExcusesOnlyNearThresholdSteps() throws {
        let config = ModelConfig(layers: 2, hidden: 4, maxPonder: 3, epsilon: 0.1, stateReset: 3)
        let header = PonderMapTSV.header(layers: 2) + "\n"
        func table(_ rows: [String]) -> String { header + rows.map { $0 + "\n" }.joined() }
        let actlm = table(["0\t65\tA\t\t2.5000\t2.0000\t2\t1", "1\t66\tB\t3.0000\t2.0000\t2.0000\t1\t1",
                           "2\t67\tC\t4.0000\t2.0000\t2.0000\t1\t1", "3\t68\tD\t5.0000\t2.0000\t2.0000\t1\t1",
                           "4\t69\tE\t6.0000\t2.0000\t2.0000\t1\t1"])

        var same = Agreement(kind: "same", config: config, near: try NearThreshold(""))
        same.compare(actlm: actlm, reference: actlm.replacingOccurrences(of: "3.0000", with: "3.0001"))
        XCTAssertEqual(same.problems, [])
        XCTAssertEqual(same.largestBits, 1e-4, accuracy: 1e-9)
        XCTAssertEqual(same.steps, [[1, 2], [1]])

        var bits = Agreement(kind: "bits", config: config, near: try NearThreshold(""))
        bits.compare(actlm: actlm, reference: actlm.replacingOccurrences(of: "4.0000", with: "4.0002"))
        XCTAssertEqual(bits.problems, ["offset 2: bits 4.0000 against 4.0002"])

        // N differs from byte 1 on: a fault, unless the reference found a halting sum near 1 − ε there;
        // then the rest of its segment (byte 2) and the next segment's first byte (3, predicted from the
        // parted state) are not compared, and byte 4 is again.
        let parted = actlm.replacingOccurrences(of: "2.0000\t2.0000\t1\t1", with: "2.9000\t2.0000\t2\t1")
        var fault = Agreement(kind: "fault", config: config, near: try NearThreshold(""))
        fault.compare(actlm: actlm, reference: parted)
        XCTAssertEqual(fault.problems.count, 4, "\(fault.problems)")
        var excused = Agreement(kind: "excused", config: config,
                                near: try NearThreshold("offset\tlayer\tstep\tsum\n1\t1\t1\t0.899999\n"))
        excused.compare(actlm: actlm, reference: parted.replacingOccurrences(of: "5.0000", with: "5.5000"))
        XCTAssertEqual(excused.problems, ["offset 4: N 1 1 against 2 1, no halting sum near 1 − ε"])
        XCTAssertEqual(excused.stepDisagreements, 1)
        XCTAssertEqual(excused.skipped, 2)
    }

    // MARK: The comparison

    /// The (byte, layer) pairs whose halting sum the reference found within its margin of 1 − ε.
    struct NearThreshold {
        var pairs: Set<[Int]> = []

        init(_ tsv: String) throws {
            for line in tsv.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: "\t")
                pairs.insert([try XCTUnwrap(Int(fields[0])), try XCTUnwrap(Int(fields[1]))])
            }
        }

        func contains(offset: Int, layer: Int) -> Bool { pairs.contains([offset, layer]) }
    }

    struct Agreement {
        let kind: String
        let config: ModelConfig
        let near: NearThreshold
        /// The most |Δ| of bits and ρ as printed.
        var tolerance = ReferenceAgreementTests.tolerance
        var rows = 0
        var largestBits = 0.0
        var largestRho = 0.0
        /// Bytes where N differed at a near-threshold sum, and bytes after them left uncompared.
        var stepDisagreements = 0
        var skipped = 0
        /// The N each layer took, on actlm's side.
        var steps: [Set<Int>] = []
        var problems: [String] = []

        init(kind: String, config: ModelConfig, near: NearThreshold) {
            self.kind = kind
            self.config = config
            self.near = near
            steps = Array(repeating: [], count: config.layers)
        }

        var summary: String {
            "\(kind): \(rows) bytes, largest |Δ bits| \(String(format: "%.4f", largestBits)), "
                + "|Δ ρ| \(String(format: "%.4f", largestRho)), N differs at \(stepDisagreements) "
                + "(\(near.pairs.count) near-threshold sums, \(skipped) bytes after them not compared)"
        }

        mutating func compare(actlm: String, reference: String) {
            let a = actlm.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let b = reference.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            guard a.first == b.first, a.first == Substring(PonderMapTSV.header(layers: config.layers)) else {
                problems.append("headers differ: \(a.first ?? "none") against \(b.first ?? "none")")
                return
            }
            guard a.count == b.count else {
                problems.append("\(a.count - 1) rows from actlm, \(b.count - 1) from the reference")
                return
            }
            let L = config.layers, reset = config.stateReset
            var comparedFrom = 0   // rows before this offset are in a segment where the states parted
            for (rowA, rowB) in zip(a.dropFirst(), b.dropFirst()) {
                rows += 1
                let x = rowA.split(separator: "\t", omittingEmptySubsequences: false)
                let y = rowB.split(separator: "\t", omittingEmptySubsequences: false)
                guard x.count == 4 + 2 * L, y.count == x.count, x[0..<3] == y[0..<3],
                      let offset = Int(x[0]) else {
                    problems.append("rows differ in form: \(rowA) | \(rowB)")
                    continue
                }
                for l in 0..<L { steps[l].insert(Int(x[4 + L + l]) ?? -1) }
                if offset < comparedFrom {
                    skipped += 1
                    continue
                }
                let parted = (0..<L).filter { x[4 + L + $0] != y[4 + L + $0] }
                if !parted.isEmpty {
                    // With the stack's scope layer 1 decides every layer's N.
                    let explained = parted.allSatisfy {
                        near.contains(offset: offset, layer: $0 + 1)
                            || (config.haltsAsStack && near.contains(offset: offset, layer: 1))
                    }
                    if explained {
                        stepDisagreements += 1
                        // The byte after the segment is predicted from this one's parted state too.
                        comparedFrom = reset > 0 ? (offset / reset + 1) * reset + 1 : Int.max
                    } else {
                        problems.append("offset \(offset): N \(x[(4 + L)...].joined(separator: " ")) against "
                                        + "\(y[(4 + L)...].joined(separator: " ")), no halting sum near 1 − ε")
                    }
                    continue
                }
                if !x[3].isEmpty || !y[3].isEmpty {
                    largestBits = max(largestBits, difference(x[3], y[3], at: offset, what: "bits"))
                }
                for l in 0..<L {
                    largestRho = max(largestRho, difference(x[4 + l], y[4 + l], at: offset, what: "ρ_\(l + 1)"))
                }
            }
        }

        /// |a − b|, noting a problem when it is above the tolerance or either is not a number.
        private mutating func difference(_ a: Substring, _ b: Substring, at offset: Int, what: String) -> Double {
            guard let u = Double(a), let v = Double(b) else {
                problems.append("offset \(offset): \(what) \"\(a)\" against \"\(b)\"")
                return 0
            }
            // Both are printed to 4 decimals; a difference of one in the last is within the tolerance.
            if abs(u - v) > tolerance + 1e-9 {
                problems.append("offset \(offset): \(what) \(a) against \(b)")
            }
            return abs(u - v)
        }
    }

    // MARK: Where things are

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var script: String { packageRoot.appendingPathComponent("reference/actlm_reference.py").path }

    /// The project's virtual environment, which `make test` makes; without any python3 the test skips.
    static func venvPython() throws -> String {
        let python = packageRoot.appendingPathComponent(".venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: python) { return python }
        if CorpusFixtures.program("python3") == nil { throw XCTSkip("python3 is absent") }
        throw ProgramError("\(python) is missing: run `make venv` (make test makes it) for numpy and safetensors")
    }

    /// `bytes` of real English: from the middle of corpora/wiki.gz or the shared enwik8 head when there
    /// is one, else Debian's licence texts, else generated text.
    static func realText(bytes: Int) throws -> ([UInt8], String) {
        let corpora: [String?] = [packageRoot.appendingPathComponent("corpora/wiki.gz").path, CorpusFixtures.sharedCorpus]
        if let path = corpora.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            let skip = 100_000   // past the XML header of enwik8, into articles
            let stream = try ByteStream(path: path)
            var buffer = [UInt8](repeating: 0, count: skip + bytes), filled = 0
            while filled < buffer.count {
                let n = try buffer.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
                if n == 0 { break }
                filled += n
            }
            if filled == buffer.count { return (Array(buffer[skip...]), "\(path) from byte \(skip)") }
        }
        let licences = ["GPL-3", "Apache-2.0", "GFDL-1.3", "MPL-2.0"].map { "/usr/share/common-licenses/" + $0 }
        let legal = licences.compactMap { FileManager.default.contents(atPath: $0) }.reduce([UInt8]()) { $0 + $1 }
        if legal.count >= bytes { return (Array(legal.prefix(bytes)), "/usr/share/common-licenses") }
        return (CommandFixtures.text(bytes: bytes), "generated text")
    }
}
