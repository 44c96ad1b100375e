import Foundation
import XCTest
import ACTLM

/// The generator reads its prime as the scorer reads a text, resets where training reset, and samples
/// reproducibly.
final class TextGeneratorTests: XCTestCase {
    private let model = CommandFixtures.randomModel()

    private func model(resettingEvery interval: Int) -> TrainedModel {
        var config = model.config
        config.stateReset = interval
        return TrainedModel(path: model.path, config: config, parameters: model.parameters)
    }

    func testGeneratorIsDeterministicBySeedAndPondersAsTheScorerDoes() throws {
        func sample(seed: UInt64) throws -> (prime: [PonderMapRow], bytes: [UInt8]) {
            let generator = TextGenerator(model: model, sampler: try Sampler(temperature: 1, seed: seed))
            var prime: [PonderMapRow] = []
            try generator.read(Array("The ponder of a network".utf8)) { prime.append($0) }
            return (prime, (0..<300).map { _ in generator.next().byte })
        }
        let a = try sample(seed: 1), b = try sample(seed: 1), c = try sample(seed: 2)
        XCTAssertEqual(a.bytes, b.bytes)
        XCTAssertNotEqual(a.bytes, c.bytes)

        // Reading the prime is reading a text: the same rows as the scorer's, byte for byte.
        var rows: [PonderMapRow] = []
        _ = try TextScorer(config: model.config).run(parameters: model.parameters,
                                                     bytes: Array("The ponder of a network".utf8)) { rows.append($0) }
        XCTAssertEqual(a.prime, rows)
        XCTAssertEqual(a.prime.map(\.offset), (0..<23).map(Int64.init))
    }

    /// A prime of 1,200 bytes for a model that resets every 500 is read in three stretches from a zero
    /// state, [0, 500), [500, 1000) and [1000, 1200), as eval reads it, and sampling goes on from the
    /// state after its last byte.
    func testALongPrimeResetsExactlyWhereTrainingDid() throws {
        let resetting = model(resettingEvery: 500)
        let prime = CommandFixtures.text(bytes: 1_200)
        let generator = TextGenerator(model: resetting, sampler: try Sampler(temperature: 0, seed: 1))
        var rows: [PonderMapRow] = []
        try generator.read(prime) { rows.append($0) }
        let next = generator.next()

        // The plain way: each stretch read alone from a zero state, then the byte sampled after it.
        let network = Network<Float>(config: model.config, batch: 1, seq: 500, tau: 0)
        for start in [0, 500, 1_000] {
            let stretch = Array(prime[start..<min(start + 500, 1_200)])
            network.resetState()
            network.forward(parameters: model.parameters, inputs: stretch, targets: nil)
            for t in 0..<stretch.count {
                XCTAssertEqual(rows[start + t].steps, (0..<2).map { network.steps(layer: $0)[t] }, "N at \(start + t)")
                for l in 0..<2 {
                    XCTAssertEqual(rows[start + t].rho[l], network.rho(layer: l)[t], accuracy: 1e-5, "ρ at \(start + t)")
                }
            }
        }
        let logits = network.logits(at: 199)
        let greedy = UInt8(logits.indices.max { logits[$0] < logits[$1] }!)
        XCTAssertEqual(next.byte, greedy, "the first sampled byte follows from the state after the prime")
        network.forward(parameters: model.parameters, inputs: [greedy], targets: nil)
        XCTAssertEqual(next.rho[0], network.rho(layer: 0)[0], accuracy: 1e-5)
        XCTAssertEqual(next.offset, 1_200)

        // Cutting every 256 bytes (a window that does not divide 500) would read differently.
        let every256 = Network<Float>(config: model.config, batch: 1, seq: 244, tau: 0)
        every256.forward(parameters: model.parameters, inputs: Array(prime[256..<500]), targets: nil)
        XCTAssertNotEqual(rows[256..<500].map { $0.rho[0] }, (0..<244).map { every256.rho(layer: 0)[$0] })
    }

    /// With state resets, the generator restarts from a zero state that re-reads the last half of the
    /// reset interval: the byte after each restart ponders as after reading just those bytes.
    func testGeneratorRestartsInContextAfterAStateReset() throws {
        let resetting = model(resettingEvery: 40)
        let generator = TextGenerator(model: resetting, sampler: try Sampler(temperature: 1, seed: 3))
        let prime = Array("The ponder of a network".utf8)
        var rows: [PonderMapRow] = []
        try generator.read(prime) { rows.append($0) }
        for _ in 0..<70 { rows.append(generator.next()) }
        let text = rows.map(\.byte)
        XCTAssertEqual(Array(text[0..<prime.count]), prime)
        for restart in [40, 60, 80] {
            let fresh = Network<Float>(config: model.config, batch: 1, seq: 21, tau: 0)
            fresh.forward(parameters: model.parameters, inputs: Array(text[restart - 20...restart]), targets: nil)
            for l in 0..<resetting.config.layers {
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
