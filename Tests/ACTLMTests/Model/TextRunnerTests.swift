import Foundation
import XCTest
import ACTLM

/// TextRunner against the network run directly over the whole text in one window: windows, state carried
/// across them and the one-byte look-ahead must change nothing.
final class TextRunnerTests: XCTestCase {
    private let model = CommandFixtures.randomModel()

    /// What one pass of the network over all of `text` says: per byte the surprise (from the step before),
    /// ρ and N, and the bits per character.
    private func onePass(_ text: [UInt8]) -> (rows: [PonderMapRow], bpc: Double) {
        let n = text.count
        let network = Network<Float>(config: model.config, batch: 1, seq: n, tau: 0)
        let loss = network.forward(parameters: model.parameters, inputs: Array(text[0..<n - 1]),
                                   targets: Array(text[1..<n]))
        var rows: [PonderMapRow] = []
        for t in 0..<n - 1 {
            rows.append(PonderMapRow(offset: Int64(t), byte: text[t],
                                     bits: t == 0 ? nil : Float(network.nats(at: t - 1) / M_LN2),
                                     rho: (0..<model.config.layers).map { network.rho(layer: $0)[t] },
                                     steps: (0..<model.config.layers).map { network.steps(layer: $0)[t] }))
        }
        let lastBits = Float(network.nats(at: n - 2) / M_LN2)
        network.forward(parameters: model.parameters, inputs: [text[n - 1]], targets: nil)
        rows.append(PonderMapRow(offset: Int64(n - 1), byte: text[n - 1], bits: lastBits,
                                 rho: (0..<model.config.layers).map { network.rho(layer: $0)[0] },
                                 steps: (0..<model.config.layers).map { network.steps(layer: $0)[0] }))
        return (rows, loss.bitsPerCharacter)
    }

    private func assertSameRows(_ rows: [PonderMapRow], _ expected: [PonderMapRow], _ label: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(rows.count, expected.count, label, file: file, line: line)
        var stepMismatches = 0
        for (row, reference) in zip(rows, expected) {
            XCTAssertEqual(row.offset, reference.offset, label, file: file, line: line)
            XCTAssertEqual(row.byte, reference.byte, label, file: file, line: line)
            XCTAssertEqual(row.bits == nil, reference.bits == nil, "\(label) at \(row.offset)", file: file, line: line)
            if let bits = row.bits, let want = reference.bits {
                XCTAssertEqual(bits, want, accuracy: 1e-3, "\(label): bits at \(row.offset)", file: file, line: line)
            }
            for l in 0..<row.layers {
                XCTAssertEqual(row.rho[l], reference.rho[l], accuracy: 1e-3, "\(label): ρ at \(row.offset)",
                               file: file, line: line)
                if row.steps[l] != reference.steps[l] { stepMismatches += 1 }
            }
        }
        // A halting sum within rounding of 1 − ε may round either way when the arithmetic is ordered
        // differently; anything more would be a real difference.
        XCTAssertLessThanOrEqual(stepMismatches, 2, "\(label): N differs at \(stepMismatches) places", file: file, line: line)
    }

    func testWindowedRunsMatchOnePassOverTheWholeText() throws {
        let text = CommandFixtures.text(bytes: 1_000)
        let reference = onePass(text)
        for window in [1, 7, 256, 999, 1_000, 4_096] {
            var rows: [PonderMapRow] = []
            let evaluation = try TextRunner(model: model, window: window).run(bytes: text) { rows.append($0) }
            assertSameRows(rows, reference.rows, "window \(window)")
            XCTAssertEqual(evaluation.bytes, 1_000)
            XCTAssertEqual(evaluation.predictedBytes, 999)
            XCTAssertEqual(evaluation.bitsPerCharacter!, reference.bpc, accuracy: 1e-5 * reference.bpc, "window \(window)")
        }
    }

    /// A model trained with state resets is run the same way: every `stateReset` bytes the state starts
    /// again from zero, so each stretch reads as if it were a text of its own.
    func testStateResetsAsInTraining() throws {
        var config = model.config
        config.stateReset = 300
        let resetting = TrainedModel(path: model.path, config: config, parameters: model.parameters)
        let text = CommandFixtures.text(bytes: 1_000)
        let runner = TextRunner(model: resetting)
        XCTAssertEqual(runner.window, 150, "the largest window up to 256 that divides 300")
        var rows: [PonderMapRow] = []
        _ = try runner.run(bytes: text) { rows.append($0) }
        XCTAssertEqual(rows.count, 1_000)
        for start in stride(from: 0, to: 1_000, by: 300) {
            let piece = onePass(Array(text[start..<min(start + 300, 1_000)]))
            for (i, reference) in piece.rows.enumerated() {
                let row = rows[start + i]
                if let want = reference.bits { XCTAssertEqual(row.bits!, want, accuracy: 1e-3, "bits at \(start + i)") }
                for l in 0..<row.layers {
                    XCTAssertEqual(row.rho[l], reference.rho[l], accuracy: 1e-3, "ρ at \(start + i)")
                }
            }
        }
        var carried: [PonderMapRow] = []
        _ = try TextRunner(model: model).run(bytes: text) { carried.append($0) }
        XCTAssertNotEqual(rows[300...].map(\.rho), carried[300...].map(\.rho), "without resets the state carries on")
    }

    func testSummaryComesFromThePonderStatisticsOfEveryByte() throws {
        let text = CommandFixtures.text(bytes: 600)
        var rows: [PonderMapRow] = []
        let evaluation = try TextRunner(model: model, window: 64).run(bytes: text) { rows.append($0) }
        let summary = evaluation.summary
        XCTAssertEqual(summary.bytes, 600)
        XCTAssertEqual(summary.layers, 2)
        for l in 0..<2 {
            let mean = rows.reduce(0.0) { $0 + Double($1.rho[l]) } / Double(rows.count)
            XCTAssertEqual(summary.meanRho[l], mean, accuracy: 1e-5)
            XCTAssertEqual(evaluation.meanPonder[l]!, mean, accuracy: 1e-5)
            XCTAssertNotNil(summary.boundaryToInsideRatio[l])
        }
        let bits = rows.compactMap(\.bits).reduce(0.0) { $0 + Double($1) } / 599
        XCTAssertEqual(summary.bitsPerCharacter!, bits, accuracy: 1e-4)
        XCTAssertEqual(summary.classes.reduce(0) { $0 + $1.count }, 600)
    }

    func testStreamsFromAFileAsFromMemory() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let text = CommandFixtures.text(bytes: 3_000)
        let path = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: true),
                                            to: URL(fileURLWithPath: directory + "/text.gz"))
        let runner = TextRunner(model: model, window: 100)
        let fromFile = try runner.run(ByteStream(path: path))
        let fromMemory = try runner.run(bytes: text)
        XCTAssertEqual(fromFile.bytes, 3_000)
        XCTAssertEqual(fromFile.bitsPerCharacter, fromMemory.bitsPerCharacter, "the runner starts afresh each run")
        XCTAssertEqual(fromFile.stats, fromMemory.stats)
    }

    func testEmptyAndOneByteTexts() throws {
        let runner = TextRunner(model: model)
        var rows: [PonderMapRow] = []
        let empty = try runner.run(bytes: []) { rows.append($0) }
        XCTAssertEqual(empty.bytes, 0)
        XCTAssertNil(empty.bitsPerCharacter)
        XCTAssertEqual(empty.meanPonder, [nil, nil])
        XCTAssertTrue(rows.isEmpty)

        let one = try runner.run(bytes: [UInt8(ascii: "a")]) { rows.append($0) }
        XCTAssertEqual(one.bytes, 1)
        XCTAssertNil(one.bitsPerCharacter, "nothing predicts the first byte")
        XCTAssertEqual(rows.count, 1)
        XCTAssertNil(rows[0].bits)
        XCTAssertGreaterThan(rows[0].rho[0], 1)
    }

    func testGeneratorIsDeterministicBySeedAndPondersAsTheRunnerDoes() throws {
        func sample(seed: UInt64) throws -> (prime: [PonderMapRow], bytes: [UInt8]) {
            let generator = TextGenerator(model: model, sampler: try Sampler(temperature: 1, seed: seed), window: 16)
            var prime: [PonderMapRow] = []
            generator.read(Array("The ponder of a network".utf8)) { prime.append($0) }
            return (prime, (0..<300).map { _ in generator.next().byte })
        }
        let a = try sample(seed: 1), b = try sample(seed: 1), c = try sample(seed: 2)
        XCTAssertEqual(a.bytes, b.bytes)
        XCTAssertNotEqual(a.bytes, c.bytes)

        // Reading the prime is reading a text: the same ρ and N as the runner's, byte for byte.
        var rows: [PonderMapRow] = []
        _ = try TextRunner(model: model).run(bytes: Array("The ponder of a network".utf8)) { rows.append($0) }
        XCTAssertEqual(a.prime.map(\.rho), rows.map(\.rho))
        XCTAssertEqual(a.prime.map(\.steps), rows.map(\.steps))
        XCTAssertEqual(a.prime.map(\.offset), (0..<23).map(Int64.init))
    }

    /// With state resets, the generator restarts from a zero state that re-reads the last half of the
    /// reset interval: the byte after each restart ponders as after reading just those bytes.
    func testGeneratorRestartsInContextAfterAStateReset() throws {
        var config = model.config
        config.stateReset = 40
        let resetting = TrainedModel(path: model.path, config: config, parameters: model.parameters)
        let generator = TextGenerator(model: resetting, sampler: try Sampler(temperature: 1, seed: 3), window: 16)
        let prime = Array("The ponder of a network".utf8)
        var rows: [PonderMapRow] = []
        generator.read(prime) { rows.append($0) }
        for _ in 0..<70 { rows.append(generator.next()) }
        let text = rows.map(\.byte)
        XCTAssertEqual(Array(text[0..<prime.count]), prime)
        for restart in [40, 60, 80] {
            let fresh = Network<Float>(config: model.config, batch: 1, seq: 21, tau: 0)
            fresh.forward(parameters: model.parameters, inputs: Array(text[restart - 20...restart]), targets: nil)
            for l in 0..<config.layers {
                XCTAssertEqual(rows[restart].rho[l], fresh.rho(layer: l)[20], accuracy: 1e-4, "restart at \(restart)")
            }
        }
    }

    func testGreedySamplingIgnoresTheSeed() throws {
        func greedy(seed: UInt64) throws -> [UInt8] {
            let generator = TextGenerator(model: model, sampler: try Sampler(temperature: 0, seed: seed))
            return (0..<50).map { _ in generator.next().byte }
        }
        XCTAssertEqual(try greedy(seed: 9), try greedy(seed: 10))
    }
}
