import Foundation
import XCTest
import ACTLM

/// The fixed-computation control (`PonderMode.fixed`, Repeat-RNN): every byte K steps in every layer, the
/// last step's state carried on, no halting unit.
final class FixedPonderTests: XCTestCase {
    private func config(layers: Int = 2, hidden: Int = 6, steps: Int, ponder: PonderMode,
                        scope: HaltingScope = .layer) -> ModelConfig {
        ModelConfig(layers: layers, hidden: hidden, maxPonder: steps, epsilon: 0.01, haltingBias: 0, stateReset: 0,
                    haltingScope: scope, ponder: ponder)
    }

    /// No halting parameters in any layer, whatever the halting scope says; the rest laid out as ACT's,
    /// and drawn from the same random numbers.
    func testTheLayoutHasNoHaltingUnit() {
        for scope in HaltingScope.allCases {
            let fixed = ParameterLayout(config: config(steps: 2, ponder: .fixed, scope: scope))
            let act = ParameterLayout(config: config(steps: 2, ponder: .adaptive, scope: scope))
            XCTAssertTrue(fixed.layers.allSatisfy { !$0.hasHaltingUnit && $0.haltingWeights.isEmpty })
            let halting = act.layers.reduce(0) { $0 + $1.haltingWeights.count + $1.haltingBias.count }
            XCTAssertEqual(fixed.count, act.count - halting, "\(scope)")
            var a = RandomSource(seed: 3), b = RandomSource(seed: 3)
            XCTAssertEqual(fixed.initialParameters(random: &a), withoutHalting(act.initialParameters(random: &b), act))
        }
    }

    /// The fixed control computes what ACT computes when its halting unit never fires before M = K:
    /// η = σ(−1000) = 0, so p^n = 0 before K and p^K = 1, the mean field the last state. Logits, state
    /// and loss agree (exactly, as values), and ρ = N = K at every byte of every layer.
    func testItIsACTWhoseHaltingNeverFiresBeforeK() {
        for steps in [1, 2, 3] {
            let act = config(steps: steps, ponder: .adaptive), fixed = config(steps: steps, ponder: .fixed)
            let actLayout = ParameterLayout(config: act)
            var random = RandomSource(seed: UInt64(steps))
            var θ = actLayout.initialParameters(random: &random).map(Double.init)
            for layer in actLayout.layers { for i in layer.haltingBias { θ[i] = -1000 } }
            let batch = 3, length = 5
            let inputs = (0..<batch * length).map { _ in UInt8(random.next() % 256) }
            let targets = (0..<batch * length).map { _ in UInt8(random.next() % 256) }

            let actNetwork = Network<Double>(config: act, batch: batch, seq: length)
            let fixedNetwork = Network<Double>(config: fixed, batch: batch, seq: length)
            let actLoss = actNetwork.forward(parameters: θ, inputs: inputs, targets: targets)
            let fixedLoss = fixedNetwork.forward(parameters: withoutHalting(θ, actLayout), inputs: inputs,
                                                 targets: targets)
            XCTAssertEqual(fixedLoss.taskNats, actLoss.taskNats, "K = \(steps)")
            XCTAssertEqual(fixedNetwork.state, actNetwork.state, "K = \(steps)")
            for i in 0..<(batch * length) {
                XCTAssertEqual(Array(fixedNetwork.logits(at: i)), Array(actNetwork.logits(at: i)), "K = \(steps)")
            }
            for l in 0..<2 {
                XCTAssertEqual(Set(fixedNetwork.steps(layer: l)), [Int32(steps)])
                XCTAssertEqual(Set(fixedNetwork.rho(layer: l)), [Float(steps)])
            }
            XCTAssertEqual(fixedLoss.meanPonder, [Double(steps), Double(steps)])
        }
    }

    /// Settings: older models (no ponder key) read as ACT, an ACT model's settings are written as before,
    /// the fixed control's round-trip; `fixedPonder` sets the mode and K.
    func testSettingsReadOlderModelsAsACT() throws {
        var fixed = config(steps: 3, ponder: .adaptive)
        let actJSON = String(decoding: try JSONEncoder().encode(fixed), as: UTF8.self)
        XCTAssertFalse(actJSON.contains("ponder\""), actJSON)
        XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: Data(actJSON.utf8)).ponder, .adaptive)
        fixed.fixedPonder = 2
        XCTAssertEqual(fixed.ponder, .fixed)
        XCTAssertEqual(fixed.maxPonder, 2)
        XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: try JSONEncoder().encode(fixed)), fixed)
        XCTAssertFalse(fixed.haltsAsStack)
        fixed.fixedPonder = -1
        XCTAssertEqual(fixed.problem?.flag, "--fixed-ponder")
        fixed.fixedPonder = 0
        XCTAssertEqual(fixed.ponder, .adaptive)
    }

    private func withoutHalting<T>(_ θ: [T], _ layout: ParameterLayout) -> [T] {
        let halting = Set(layout.layers.flatMap { Array($0.haltingWeights) + Array($0.haltingBias) })
        return θ.indices.filter { !halting.contains($0) }.map { θ[$0] }
    }
}
