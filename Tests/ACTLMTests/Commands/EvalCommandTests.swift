import Foundation
import XCTest
import ACTLM

/// `actlm eval` end to end: its numbers are the network's on the same text.
final class EvalCommandTests: XCTestCase {
    private let model = CommandFixtures.randomModel(layers: 2, hidden: 16)
    private let text = CommandFixtures.text(bytes: 20_000, seed: 11)

    private func workspace() throws -> String {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(model, to: directory + "/run/best.ckpt")
        _ = try CorpusFixtures.write(text, to: URL(fileURLWithPath: directory + "/heldout.txt"))
        _ = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: true),
                                     to: URL(fileURLWithPath: directory + "/heldout.txt.gz"))
        return directory
    }

    func testJSONHasTheNetworksBitsPerCharacterAndPonder() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt", "--json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])

        // The reference: the network itself over the whole text in one window.
        let network = Network<Float>(config: model.config, batch: 1, seq: text.count - 1, tau: 0)
        let loss = network.forward(parameters: model.parameters, inputs: Array(text.dropLast()),
                                   targets: Array(text.dropFirst()))
        XCTAssertEqual(try XCTUnwrap(object["bpc"] as? Double), loss.bitsPerCharacter,
                       accuracy: 1e-5 * loss.bitsPerCharacter)
        XCTAssertEqual(object["bytes"] as? Int, text.count)
        XCTAssertEqual(object["predicted_bytes"] as? Int, text.count - 1)

        let meanPonder = try XCTUnwrap(object["mean_ponder"] as? [Double])
        XCTAssertEqual(meanPonder.count, 2)
        // The last byte is read but predicts nothing; its ρ belongs to the mean over all bytes read.
        network.forward(parameters: model.parameters, inputs: [text.last!], targets: nil)
        for l in 0..<2 {
            let mean = (loss.ponder[l] + Double(network.rho(layer: l)[0])) / Double(text.count)
            XCTAssertEqual(meanPonder[l], mean, accuracy: 1e-4)
        }
        let ratio = try XCTUnwrap(object["boundary_inside_ratio"] as? [Any])
        XCTAssertEqual(ratio.count, 2)
        XCTAssertTrue(ratio.allSatisfy { $0 is Double })
        let ponder = try XCTUnwrap(object["ponder"] as? [String: Any])
        XCTAssertEqual((ponder["classes"] as? [Any])?.count, CharacterClass.allCases.count)
        XCTAssertEqual((object["config"] as? [String: Any])?["hidden"] as? Int, 16)
    }

    /// The signal metrics of a scored text, against each byte's row counted pair by pair: a word boundary
    /// is a space or tab after text, punctuation, sentence end or newline (a space or tab after a space,
    /// tab or newline is a gap space, not a boundary); the next-step loss of a byte is the next row's
    /// bits, its entropy the row's own; every byte but the first and the last is measured. Average
    /// precision by a sweep over every distinct score, F1 by marking the top k bytes one by one.
    func testSignalsCountEveryPairOfTheScoredRows() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(model, to: directory + "/model.ckpt")
        let short = Array(text.prefix(3_000))
        _ = try CorpusFixtures.write(short, to: URL(fileURLWithPath: directory + "/short.txt"))
        let output = try ActlmBinary.run(["eval", "model.ckpt", "short.txt", "--json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        let signals = try XCTUnwrap(object["signals"] as? [String: Any])

        var rows: [PonderMapRow] = []
        _ = try TextScorer(config: model.config).run(parameters: model.parameters, bytes: short) { rows.append($0) }
        let measured = Array(1..<rows.count - 1)
        var previous = UInt8(ascii: "\n")
        let boundary = rows.map { row -> Bool in
            defer { previous = row.byte }
            let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
            if row.byte == 0x20 || row.byte == 0x09 { return !whitespace.contains(previous) }
            return [.punctuation, .sentenceEnd, .newline].contains(CharacterClass.classify(previous: previous, current: row.byte))
        }
        XCTAssertTrue(zip(rows.dropFirst(), rows).contains { $0.byte == 0x20 && $1.byte == 0x0A }, "the text has gap spaces")
        func averagePrecision(_ score: (Int) -> Float) -> Double {
            let positives = Double(measured.filter { boundary[$0] }.count)
            var sum = 0.0, previousRecall = 0.0
            for threshold in Set(measured.map(score)).sorted(by: >) {
                let marked = measured.filter { score($0) >= threshold }
                let hits = Double(marked.filter { boundary[$0] }.count)
                sum += (hits / positives - previousRecall) * hits / Double(marked.count)
                previousRecall = hits / positives
            }
            return sum
        }
        func f1(_ score: (Int) -> Float) -> Double {
            let k = measured.filter { boundary[$0] }.count
            let ranked = measured.sorted { score($0) != score($1) ? score($0) > score($1) : $0 < $1 }
            return Double(ranked.prefix(k).filter { boundary[$0] }.count) / Double(k)
        }
        func pairCount(_ score: (Int) -> Float) -> Double { pairCount(of: { boundary[$0] }, score) }
        func pairCount(of positive: (Int) -> Bool, _ score: (Int) -> Float) -> Double {
            var twice = 0, pairs = 0
            for i in measured where positive(i) {
                for j in measured where !boundary[j] {
                    pairs += 1
                    twice += score(i) > score(j) ? 2 : score(i) == score(j) ? 1 : 0
                }
            }
            return Double(twice) / Double(2 * pairs)
        }
        XCTAssertEqual(signals["bytes"] as? Int, 2_998)
        XCTAssertEqual(signals["boundaries"] as? Int, measured.filter { boundary[$0] }.count)
        XCTAssertEqual(try XCTUnwrap(signals["next_loss_auc"] as? Double), pairCount { rows[$0 + 1].bits! }, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(signals["surprisal_auc"] as? Double), pairCount { rows[$0].bits! }, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(signals["entropy_auc"] as? Double), pairCount { rows[$0].entropy! }, accuracy: 1e-4)
        for (key, score) in [("next_loss", { (i: Int) in rows[i + 1].bits! }), ("surprisal", { rows[$0].bits! }),
                             ("entropy", { rows[$0].entropy! })] {
            XCTAssertEqual(try XCTUnwrap(signals[key + "_average_precision"] as? Double), averagePrecision(score),
                           accuracy: 1e-4, key)
            let f = try XCTUnwrap(signals[key + "_f1"] as? Double)
            XCTAssertEqual(f, f1(score), accuracy: 1e-4, key)
            XCTAssertEqual(signals[key + "_precision"] as? Double, f, key)
            XCTAssertEqual(signals[key + "_recall"] as? Double, f, key)
        }
        let layers = try XCTUnwrap(signals["per_layer"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 2)
        for l in 0..<2 {
            XCTAssertEqual(layers[l]["layer"] as? Int, l + 1)
            XCTAssertEqual(try XCTUnwrap(layers[l]["rho_auc"] as? Double), pairCount { rows[$0].rho[l] }, accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(layers[l]["steps_auc"] as? Double), pairCount { Float(rows[$0].steps[l]) },
                           accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(layers[l]["rho_average_precision"] as? Double), averagePrecision { rows[$0].rho[l] },
                           accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(layers[l]["rho_f1"] as? Double), f1 { rows[$0].rho[l] }, accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(layers[l]["steps_average_precision"] as? Double),
                           averagePrecision { Float(rows[$0].steps[l]) }, accuracy: 1e-4)
            XCTAssertEqual(try XCTUnwrap(layers[l]["steps_f1"] as? Double), f1 { Float(rows[$0].steps[l]) }, accuracy: 1e-4)
            let digits = measured.filter { rows[$0].byte >= 0x30 && rows[$0].byte <= 0x39 }
            let meanRho = try XCTUnwrap(layers[l]["mean_rho"] as? [String: Any])
            XCTAssertFalse(digits.isEmpty)
            XCTAssertEqual(try XCTUnwrap(meanRho["digits"] as? Double),
                           digits.map { Double(rows[$0].rho[l]) }.reduce(0, +) / Double(digits.count), accuracy: 1e-5)
        }
        // Spaces after text, against the same non-boundary bytes.
        let spaces = { (i: Int) in rows[i].byte == 0x20 && ![0x20, 0x09, 0x0A, 0x0D].contains(rows[i - 1].byte) }
        let kinds = try XCTUnwrap(signals["by_boundary_kind"] as? [[String: Any]])
        XCTAssertEqual(kinds.count, BoundaryKind.allCases.count)
        XCTAssertEqual(kinds[0]["kind"] as? String, "space")
        XCTAssertEqual(kinds[0]["name"] as? String, BoundaryKind.space.name)
        XCTAssertEqual(kinds[0]["bytes"] as? Int, measured.filter(spaces).count)
        XCTAssertEqual(try XCTUnwrap((kinds[0]["rho_auc"] as? [Double])?.first), pairCount(of: spaces) { rows[$0].rho[0] },
                       accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(kinds[0]["next_loss_auc"] as? Double), pairCount(of: spaces) { rows[$0 + 1].bits! },
                       accuracy: 1e-4)

        let people = try ActlmBinary.run(["eval", "model.ckpt", "short.txt"], in: directory)
        XCTAssertEqual(people.status, 0, people.stderr)
        for line in ["AUC: ROC AUC", "AP: average precision", "over 2,998 bytes", "  ρ layer 1", "  N layer 2",
                     "By kind", "  space after text", "  gap space",
                     "  next-step loss", "  own surprisal", "  predictive entropy", "  next-step loss, bits"] {
            XCTAssertTrue(people.text.contains(line), "«\(line)» is missing from:\n\(people.text)")
        }
    }

    func testGzipAndPlainTextScoreTheSame() throws {
        let directory = try workspace()
        let plain = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt", "--json"], in: directory)
        let gzip = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt.gz", "--json"], in: directory)
        let folder = try ActlmBinary.run(["eval", "run", "-", "--json"], in: directory,
                                         stdin: directory + "/heldout.txt.gz")
        XCTAssertEqual(gzip.status, 0, gzip.stderr)
        XCTAssertEqual(folder.status, 0, folder.stderr)
        func bpc(_ output: ChildProcess.Output) throws -> Double? {
            (try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])?["bpc"] as? Double
        }
        XCTAssertEqual(try bpc(plain), try bpc(gzip))
        XCTAssertEqual(try bpc(plain), try bpc(folder))
    }

    func testReportForPeople() throws {
        let directory = try workspace()
        let output = try ActlmBinary.run(["eval", "run/best.ckpt", "heldout.txt"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let expected = try TextScorer(config: model.config).run(parameters: model.parameters, bytes: text)
        for line in ["checkpoint       run/best.ckpt (2 layers of 16, M = 4)",
                     "text             heldout.txt (plain, 20000 bytes)",
                     "bpc              " + String(format: "%.4f", expected.bitsPerCharacter!) + " over 19999 predicted bytes",
                     "mean ρ           layer 1 ", "boundary/inside  layer 1 ",
                     "Mean ponder cost ρ = N + R by character class"] {
            XCTAssertTrue(output.text.contains(line), "«\(line)» is missing from:\n\(output.text)")
        }
    }

    /// A model with state resets is scored in segments side by side; how many changes only the speed.
    func testTheBatchChangesNothingButSpeed() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        var config = model.config
        config.stateReset = 300
        try CommandFixtures.save(TrainedModel(path: "", config: config, parameters: model.parameters),
                                 to: directory + "/resets.ckpt")
        _ = try CorpusFixtures.write(text, to: URL(fileURLWithPath: directory + "/heldout.txt"))
        var bpcs: [Double] = []
        for batch in ["1", "7", "64"] {
            let output = try ActlmBinary.run(["eval", "resets.ckpt", "heldout.txt", "--json", "--batch", batch],
                                                   in: directory)
            XCTAssertEqual(output.status, 0, output.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
            bpcs.append(try XCTUnwrap(object["bpc"] as? Double))
        }
        XCTAssertEqual(bpcs[1], bpcs[0], accuracy: 1e-6)
        XCTAssertEqual(bpcs[2], bpcs[0], accuracy: 1e-6)
        XCTAssertTrue(try ActlmBinary.failure(["eval", "resets.ckpt", "heldout.txt", "--batch", "0"], in: directory)
            .contains("--batch 0"))
    }

    /// Scoring reads ahead one batch of segments and keeps one batch of rows: 8 MiB from standard input
    /// peak at the memory of 1 MiB. (The signal metrics keep every byte, up to the first 1 MiB.)
    func testSlowScoringFromStandardInputStaysInConstantMemory() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        var tiny = CommandFixtures.randomModel(layers: 1, hidden: 8, maxPonder: 2)
        tiny = TrainedModel(path: tiny.path, config: ModelConfig(layers: 1, hidden: 8, maxPonder: 2, epsilon: 0.01,
                                                                 stateReset: 500),
                            parameters: tiny.parameters)
        let checkpoint = try CommandFixtures.save(tiny, to: directory + "/tiny.ckpt")
        let chunk = CommandFixtures.text(bytes: PonderSignals.defaultCapacity, seed: 8)
        func file(megabytes: Int) throws -> String {
            let path = directory + "/long-\(megabytes).txt"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
            for _ in 0..<megabytes { handle.write(Data(chunk)) }
            try handle.close()
            return path
        }
        let arguments = ["eval", checkpoint, "-"]
        let small = try ActlmBinary.run(arguments, in: directory, stdin: try file(megabytes: 1), discardingOutput: true)
        let large = try ActlmBinary.run(arguments, in: directory, stdin: try file(megabytes: 8), discardingOutput: true)
        XCTAssertEqual(small.status, 0)
        XCTAssertEqual(large.status, 0)
        XCTAssertLessThan(large.peakMemory - small.peakMemory, 4 << 20,
                          "peak memory \(large.peakMemory >> 20) MiB for 8 MiB against \(small.peakMemory >> 20) MiB for 1 MiB")
    }

    func testErrorsSayWhatIsWrong() throws {
        let directory = try workspace()
        func failure(_ arguments: [String]) throws -> String {
            let output = try ActlmBinary.run(arguments, in: directory)
            XCTAssertNotEqual(output.status, 0, "\(arguments) should fail")
            return output.stderr
        }
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "missing.txt"]).contains("cannot open the text 'missing.txt'"))
        XCTAssertTrue(try failure(["eval", "run/none.ckpt", "heldout.txt"]).contains("run/none.ckpt: no such checkpoint"))
        XCTAssertTrue(try failure(["eval", "heldout.txt", "heldout.txt"]).contains("not an actlm checkpoint"))
        let gzip = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/heldout.txt.gz")))
        _ = try CorpusFixtures.write(Array(gzip.dropLast(200)), to: URL(fileURLWithPath: directory + "/cut.gz"))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "cut.gz"]).contains("'cut.gz' is truncated"))
        _ = FileManager.default.createFile(atPath: directory + "/one.txt", contents: Data("x".utf8))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt", "one.txt"]).contains("at least 2 bytes"))
        XCTAssertTrue(try failure(["eval", "run/best.ckpt"]).contains("Missing expected argument"))
    }
}
