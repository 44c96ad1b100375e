import XCTest
import ACTLM

final class ParameterLayoutTests: XCTestCase {
    /// Each matrix is uniform within its bound and fills that range: ±1 for every layer's input rows,
    /// ±1/√fan-in of [x ; h] for the rest (a one-hot x counts once); the biases start as the paper has
    /// them. At H = 256 (the default) layer 2's input has the size of the byte alphabet.
    func testFreshWeightsAreBoundedByTheirOwnFanIn() {
        for H in [32, ModelConfig.vocabulary] { assertFreshWeights(hidden: H) }
    }

    private func assertFreshWeights(hidden H: Int) {
        let config = ModelConfig(layers: 2, hidden: H, maxPonder: 3, epsilon: 0.01, haltingBias: 1, stateReset: 0)
        let layout = ParameterLayout(config: config)
        var random = RandomSource(seed: 3)
        let θ = layout.initialParameters(random: &random)

        func assertUniform(_ range: Range<Int>, bound: Float, _ what: String) {
            let largest = θ[range].map(abs).max()!
            XCTAssertLessThanOrEqual(largest, bound, "\(what), H = \(H)")
            XCTAssertGreaterThan(largest, 0.95 * bound, "\(what), H = \(H)")
            // Centred: the mean of n uniform draws on ±b has standard deviation b/√(3n).
            let spread = Double(bound) / (3 * Double(range.count)).squareRoot()
            XCTAssertEqual(Double(θ[range].reduce(0, +)) / Double(range.count), 0, accuracy: 5 * spread, what)
        }
        let (first, second) = (layout.layers[0], layout.layers[1])
        assertUniform(first.inputWeights, bound: 1, "layer 1's byte rows")
        assertUniform(first.recurrentWeights, bound: 1 / Float(1 + H).squareRoot(), "layer 1's recurrent rows")
        assertUniform(first.flagWeights, bound: 1 / Float(1 + H).squareRoot(), "layer 1's flag column")
        assertUniform(second.inputWeights, bound: 1, "layer 2's input rows")
        assertUniform(second.recurrentWeights, bound: 1 / Float(2 * H).squareRoot(), "layer 2's recurrent rows")
        assertUniform(layout.outputWeights, bound: 1 / Float(H).squareRoot(), "output rows")

        for layer in layout.layers {
            let bias = Array(θ[layer.bias])
            XCTAssertEqual(bias[H..<2 * H], ArraySlice(repeating: 1, count: H), "forget gate")
            XCTAssertEqual(bias[0..<H] + bias[2 * H..<4 * H], ArraySlice(repeating: 0, count: 3 * H))
            XCTAssertEqual(Set(θ[layer.haltingWeights]), [0])
            XCTAssertEqual(Set(θ[layer.haltingBias]), [1])
        }
        XCTAssertEqual(Set(θ[layout.outputBias]), [0])
    }
}
