import Foundation
import XCTest
@testable import ACTLM

/// The scorer against a deliberately plain loop: one byte at a time, one stream, the state zeroed at every
/// multiple of the reset interval. Cutting the text into segments run side by side, in windows, with
/// the prediction of each segment's first byte carried over from the one before, must change nothing.
final class TextScorerTests: XCTestCase {
    /// Halting units with a high bias and large random weights, so some rows halt after one step and
    /// others ponder on (checked below): halting at different steps is where batched ACT could go wrong.
    private let model: TrainedModel = {
        let random = CommandFixtures.randomModel(layers: 2, hidden: 16, maxPonder: 4)
        let layout = ParameterLayout(config: random.config)
        var parameters = random.parameters
        var source = RandomSource(seed: 11)
        // The upper layer reads smaller values: larger weights, and a higher bias (η ≥ 1 − ε halts at once).
        for (layer, (scale, bias)) in zip(layout.layers, [(Float(6), Float(4)), (12, 8)]) {
            for i in layer.haltingWeights { parameters[i] = scale * (2 * source.nextUnitFloat() - 1) }
            for i in layer.haltingBias { parameters[i] = bias }
        }
        return TrainedModel(path: random.path, config: random.config, parameters: parameters)
    }()

    /// On the project's kernels every product row is computed alone, so a stream's bytes come out the same
    /// bit for bit in any batch; OpenBLAS may sum a row differently in a product of another height, by a
    /// few units in the last place.
    private let tolerance: Float = ComputeContext.process.engine.kernel != nil ? 0 : 1e-5

    private func model(resettingEvery interval: Int) -> TrainedModel {
        var config = model.config
        config.stateReset = interval
        return TrainedModel(path: model.path, config: config, parameters: model.parameters)
    }

    /// Every byte read alone, in order; each byte's surprise is the prediction made at the byte before, and
    /// its entropy, −Σ p log2 p, that of the prediction made at it, from the logits in Double.
    private func plainLoop(_ model: TrainedModel, _ text: [UInt8]) -> (rows: [PonderMapRow], nats: Double) {
        let network = Network<Float>(config: model.config, batch: 1, seq: 1, tau: 0)
        let interval = model.config.stateReset
        var rows: [PonderMapRow] = []
        var nats = 0.0
        var bits: Float? = nil
        for (i, byte) in text.enumerated() {
            if interval > 0 && i % interval == 0 { network.resetState() }
            let next = i + 1 < text.count ? text[i + 1] : 0
            network.forward(parameters: model.parameters, inputs: [byte], targets: [next])
            let logits = network.logits(at: 0).map(Double.init)
            let largest = logits.max()!
            let weights = logits.map { exp($0 - largest) }
            let total = weights.reduce(0, +)
            let entropy = -weights.map { $0 / total }.reduce(0.0) { $0 + ($1 > 0 ? $1 * log2($1) : 0) }
            rows.append(PonderMapRow(offset: Int64(i), byte: byte, bits: bits,
                                     rho: (0..<model.config.layers).map { network.rho(layer: $0)[0] },
                                     steps: (0..<model.config.layers).map { network.steps(layer: $0)[0] },
                                     entropy: i + 1 < text.count ? Float(entropy) : nil))
            bits = Float(network.nats(at: 0) / M_LN2)
            if i + 1 < text.count { nats += network.nats(at: 0) }
        }
        return (rows, nats)
    }

    private func assertMatchesPlainLoop(_ model: TrainedModel, bytes: Int, batch: Int,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let text = CommandFixtures.text(bytes: bytes, seed: UInt64(bytes))
        let label = "\(bytes) bytes, reset every \(model.config.stateReset), batch \(batch)"
        let plain = plainLoop(model, text)
        var rows: [PonderMapRow] = []
        let evaluation = try TextScorer(config: model.config, batch: batch)
            .run(parameters: model.parameters, bytes: text) { rows.append($0) }

        XCTAssertEqual(rows.count, text.count, label, file: file, line: line)
        for (row, want) in zip(rows, plain.rows) {
            XCTAssertEqual(row.offset, want.offset, label, file: file, line: line)
            XCTAssertEqual(row.byte, want.byte, label, file: file, line: line)
            XCTAssertEqual(row.bits == nil, want.bits == nil, "\(label): bits at \(row.offset)", file: file, line: line)
            if let bits = row.bits, let expected = want.bits {
                XCTAssertEqual(bits, expected, accuracy: tolerance * max(1, expected), "\(label): bits at \(row.offset)",
                               file: file, line: line)
            }
            XCTAssertEqual(row.entropy == nil, want.entropy == nil, "\(label): entropy at \(row.offset)", file: file, line: line)
            if let entropy = row.entropy, let expected = want.entropy {
                XCTAssertEqual(entropy, expected, accuracy: 1e-5 * max(1, expected), "\(label): entropy at \(row.offset)",
                               file: file, line: line)
            }
            XCTAssertEqual(row.steps, want.steps, "\(label): N at \(row.offset)", file: file, line: line)
            for l in 0..<row.layers {
                XCTAssertEqual(row.rho[l], want.rho[l], accuracy: tolerance * want.rho[l], "\(label): ρ at \(row.offset)",
                               file: file, line: line)
            }
        }

        XCTAssertEqual(evaluation.bytes, Int64(text.count), label, file: file, line: line)
        XCTAssertEqual(evaluation.predictedBytes, text.count - 1, label, file: file, line: line)
        if text.count >= 2 {
            let bpc = plain.nats / Double(text.count - 1) / M_LN2
            XCTAssertEqual(evaluation.bitsPerCharacter!, bpc, accuracy: 1e-6, label, file: file, line: line)
        }
        var stats = PonderStats(layers: model.config.layers, maxPonder: model.config.maxPonder)
        for l in 0..<model.config.layers {
            stats.record(layer: l, inputs: text, previous: [UInt8(ascii: "\n")], rho: plain.rows.map { $0.rho[l] },
                         steps: plain.rows.map { $0.steps[l] })
            XCTAssertEqual(evaluation.stats.stepHistogram(layer: l), stats.stepHistogram(layer: l), label,
                           file: file, line: line)
            for c in CharacterClass.allCases {
                XCTAssertEqual(evaluation.stats.count(layer: l, class: c), stats.count(layer: l, class: c), label,
                               file: file, line: line)
                if let mean = stats.meanRho(layer: l, class: c) {
                    XCTAssertEqual(evaluation.stats.meanRho(layer: l, class: c)!, mean, accuracy: 1e-6, label,
                                   file: file, line: line)
                }
            }
        }
    }

    func testSegmentsSideBySideGiveTheOneStreamResult() throws {
        let resetting = model(resettingEvery: 40)
        // Shorter than a segment, exactly one, one batch of 4, many, and not a multiple of the segment.
        for bytes in [1, 2, 25, 40, 41, 160, 161, 1_000, 1_013] {
            for batch in [1, 3, 4] {
                try assertMatchesPlainLoop(resetting, bytes: bytes, batch: batch)
            }
        }
        try assertMatchesPlainLoop(resetting, bytes: 2_000, batch: 32)
        // An interval whose windows cannot be long (a prime) and one longer than the default window.
        try assertMatchesPlainLoop(model(resettingEvery: 37), bytes: 500, batch: 5)
        try assertMatchesPlainLoop(model(resettingEvery: 300), bytes: 1_000, batch: 2)
    }

    func testAModelWithoutResetsIsOneStream() throws {
        let scorer = TextScorer(config: model.config, batch: 8)
        XCTAssertEqual(scorer.batch, 1, "nothing may be cut where the model never reset")
        for bytes in [1, 2, 255, 256, 257, 1_000] {
            try assertMatchesPlainLoop(model, bytes: bytes, batch: 8)
        }
    }

    /// The comparison means something only if the layers really ponder differently from byte to byte.
    func testTheModelHaltsAfterDifferentStepsAtDifferentBytes() {
        let rows = plainLoop(model(resettingEvery: 40), CommandFixtures.text(bytes: 1_000, seed: 1_000)).rows
        for l in 0..<2 {
            let steps = Set(rows.map { $0.steps[l] })
            let counts = (1...4).map { n in rows.filter { $0.steps[l] == n }.count }
            XCTAssertGreaterThan(counts[0], 10, "layer \(l + 1) halts after one step at some bytes: \(counts)")
            XCTAssertGreaterThan(counts[1...].reduce(0, +), 10, "and ponders longer at others: \(counts)")
        }
    }

    /// Resetting matters, so the test above would notice a reset in the wrong place.
    func testResetsChangeWhatFollowsThem() throws {
        let text = CommandFixtures.text(bytes: 200)
        let resetting = try TextScorer(config: model(resettingEvery: 40).config).run(parameters: model.parameters,
                                                                                      bytes: text)
        let carried = try TextScorer(config: model.config).run(parameters: model.parameters, bytes: text)
        XCTAssertNotEqual(resetting.bitsPerCharacter!, carried.bitsPerCharacter!, accuracy: 1e-4)
    }

    func testWindowsDivideTheSegment() {
        for interval in [500, 37, 1_000, 7] {
            for batch in [1, 4, 32, 100] {
                let scorer = TextScorer(config: model(resettingEvery: interval).config, batch: batch)
                XCTAssertEqual(scorer.segment % scorer.window, 0, "reset every \(interval), batch \(batch)")
                XCTAssertLessThanOrEqual(scorer.window * batch, max(TextScorer.positionsPerWindow, batch))
            }
        }
    }

    func testStreamsFromAFileAsFromMemory() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let text = CommandFixtures.text(bytes: 3_000)
        let path = try CorpusFixtures.write(CorpusFixtures.deflated(text, gzip: true),
                                            to: URL(fileURLWithPath: directory + "/text.gz"))
        let scorer = TextScorer(config: model(resettingEvery: 100).config, batch: 4)
        var batches = 0
        let fromFile = try scorer.run(parameters: model.parameters, over: ByteStream(path: path),
                                      progress: { _ in batches += 1 })
        let fromMemory = try scorer.run(parameters: model.parameters, bytes: text)
        XCTAssertEqual(batches, 8, "3,000 bytes in batches of 4 × 100")
        XCTAssertEqual(fromFile.bytes, 3_000)
        XCTAssertEqual(fromFile.bitsPerCharacter, fromMemory.bitsPerCharacter, "the scorer starts afresh each run")
        XCTAssertEqual(fromFile.stats, fromMemory.stats)
    }

    func testSummaryComesFromThePonderStatisticsOfEveryByte() throws {
        let text = CommandFixtures.text(bytes: 600)
        var rows: [PonderMapRow] = []
        let evaluation = try TextScorer(config: model(resettingEvery: 64).config)
            .run(parameters: model.parameters, bytes: text) { rows.append($0) }
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

    func testEmptyAndOneByteTexts() throws {
        let scorer = TextScorer(config: model(resettingEvery: 40).config)
        var rows: [PonderMapRow] = []
        let empty = try scorer.run(parameters: model.parameters, bytes: []) { rows.append($0) }
        XCTAssertEqual(empty.bytes, 0)
        XCTAssertNil(empty.bitsPerCharacter)
        XCTAssertEqual(empty.meanPonder, [nil, nil])
        XCTAssertTrue(rows.isEmpty)

        let one = try scorer.run(parameters: model.parameters, bytes: [UInt8(ascii: "a")]) { rows.append($0) }
        XCTAssertEqual(one.bytes, 1)
        XCTAssertNil(one.bitsPerCharacter, "nothing predicts the first byte")
        XCTAssertEqual(rows.count, 1)
        XCTAssertNil(rows[0].bits)
        XCTAssertGreaterThan(rows[0].rho[0], 1)
    }

    /// Data-parallel validation scores the held-out bytes in parts cut at segment boundaries, one per rank:
    /// the parts must add up to the whole text's loss and ponder statistics, for any number of ranks.
    func testPartsCutAtSegmentBoundariesAddUpToTheWhole() throws {
        for interval in [40, 0] {
            let model = model(resettingEvery: interval)
            let text = CommandFixtures.text(bytes: 1_013, seed: 5)
            let scorer = TextScorer(config: model.config, batch: 4)
            let whole = try scorer.run(parameters: model.parameters, bytes: text)
            for ranks in [1, 2, 3, 7] {
                var loss = WindowLoss(layers: model.config.layers)
                var stats = PonderStats(layers: model.config.layers, maxPonder: model.config.maxPonder)
                var covered = 0
                for rank in 0..<ranks {
                    let part = ValidationEvaluator.part(of: text.count, rank: rank, ranks: ranks,
                                                        segment: scorer.segment, resets: interval > 0)
                    XCTAssertEqual(part.lowerBound, covered, "parts follow each other")
                    XCTAssertTrue(interval == 0 || part.lowerBound % interval == 0, "a part starts a segment")
                    covered = part.upperBound
                    let evaluation = try scorer.run(parameters: model.parameters, part: text[part], of: text)
                    loss.add(evaluation.loss)
                    stats.merge(evaluation.stats)
                }
                let label = "reset every \(interval), \(ranks) ranks"
                XCTAssertEqual(covered, text.count, label)
                XCTAssertEqual(loss.count, whole.loss.count, label)
                XCTAssertEqual(loss.taskNats, whole.loss.taskNats, accuracy: 1e-6 * whole.loss.taskNats, label)
                for l in 0..<model.config.layers {
                    XCTAssertEqual(loss.ponder[l], whole.loss.ponder[l], accuracy: 1e-6 * whole.loss.ponder[l], label)
                }
                XCTAssertEqual(stats.countByClass, whole.stats.countByClass, label)
                XCTAssertEqual(stats.stepHistogram, whole.stats.stepHistogram, label)
                for (a, b) in zip(stats.rhoByClass, whole.stats.rhoByClass) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, b), label) }
            }
        }
    }
}
