import XCTest
import ACTLM

/// Every gradient of the hand-written backward pass against central finite differences, in Double, on
/// small models with ACT really active: streams halting at different ponder steps, some at the cap M,
/// τ > 0, several time steps, and a non-zero state carried in.
final class NetworkGradientTests: XCTestCase {
    func testEveryGradientMatchesFiniteDifferencesWithPondering() throws {
        let config = ModelConfig(layers: 2, hidden: 5, maxPonder: 4, epsilon: 0.01, haltingBias: 0, stateReset: 0)
        let setup = NetworkTestSetup(config: config, batch: 4, seq: 3, tau: 0.05, seed: 7)
        let stepsSeen = setup.stepsSeen()
        XCTAssertGreaterThanOrEqual(Set(stepsSeen).count, 3, "streams should halt at different steps: \(stepsSeen)")
        XCTAssertTrue(stepsSeen.contains(Int32(config.maxPonder)), "some streams should reach M: \(stepsSeen)")
        XCTAssertTrue(stepsSeen.contains(1), "some streams should halt after one step: \(stepsSeen)")
        try setup.checkAllGradients()
    }

    func testGradientsOfAThreeLayerModelWithoutTimePenalty() throws {
        let config = ModelConfig(layers: 3, hidden: 3, maxPonder: 3, epsilon: 0.01, haltingBias: 0, stateReset: 0)
        let setup = NetworkTestSetup(config: config, batch: 3, seq: 4, tau: 0, seed: 11)
        try setup.checkAllGradients()
    }

    /// The halting unit reading part of the state (`--halting-input`): h only, and [h ; tanh c].
    func testGradientsWhenTheHaltingUnitReadsPartOfTheState() throws {
        for input in [HaltingInput.hidden, .hiddenAndTanhCell] {
            let config = ModelConfig(layers: 2, hidden: 4, maxPonder: 4, epsilon: 0.01, haltingBias: 0,
                                     stateReset: 0, haltingInput: input)
            let setup = NetworkTestSetup(config: config, batch: 4, seq: 3, tau: 0.05, seed: 7)
            XCTAssertGreaterThanOrEqual(Set(setup.stepsSeen()).count, 2, "\(input): rows halt at different steps")
            try setup.checkAllGradients()
        }
    }

    /// Layer 1's halting unit deciding for the stack (`--halting-scope stack`): every layer takes layer 1's
    /// steps, and the layers above pass their ∂L/∂η back to it (τ counted for each layer that ponders).
    func testGradientsWhenLayerOneHaltsForTheStack() throws {
        for (layers, seed) in [(2, UInt64(7)), (3, 5)] {
            let config = ModelConfig(layers: layers, hidden: 4, maxPonder: 4, epsilon: 0.01, haltingBias: 0,
                                     stateReset: 0, haltingScope: .stack)
            let setup = NetworkTestSetup(config: config, batch: 4, seq: 3, tau: 0.05, seed: seed)
            let steps = setup.stepsSeen(), positions = steps.count / layers
            XCTAssertGreaterThanOrEqual(Set(steps).count, 3, "rows halt at different steps: \(steps)")
            for l in 1..<layers {
                XCTAssertEqual(Array(steps[(l * positions)..<((l + 1) * positions)]), Array(steps[0..<positions]),
                               "layer \(l + 1) takes layer 1's steps")
            }
            XCTAssertTrue(ParameterLayout(config: config).layers.dropFirst().allSatisfy { !$0.hasHaltingUnit })
            try setup.checkAllGradients()
        }
    }

    /// A larger ε (`--halting-epsilon`) halts earlier, so fewer rows reach M; both scopes.
    func testGradientsWithALargerHaltingEpsilon() throws {
        for scope in [HaltingScope.layer, .stack] {
            let config = ModelConfig(layers: 2, hidden: 4, maxPonder: 4, epsilon: 0.3, haltingBias: 0, stateReset: 0,
                                     haltingScope: scope)
            let setup = NetworkTestSetup(config: config, batch: 4, seq: 3, tau: 0.05, seed: 7)
            var paperConfig = config
            paperConfig.epsilon = 0.01
            let paperEpsilon = NetworkTestSetup(config: paperConfig, batch: 4, seq: 3, tau: 0.05, seed: 7)
            let steps = setup.stepsSeen()
            XCTAssertGreaterThanOrEqual(Set(steps).count, 2, "\(scope): rows halt at different steps: \(steps)")
            XCTAssertLessThan(steps.reduce(0, +), paperEpsilon.stepsSeen().reduce(0, +), "\(scope): ε 0.3 takes fewer steps")
            try setup.checkAllGradients()
        }
    }

    /// One layer: the softmax reads the layer that reads the bytes.
    func testGradientsOfASingleLayer() throws {
        for maxPonder in [1, 4] {
            let config = ModelConfig(layers: 1, hidden: 5, maxPonder: maxPonder, epsilon: 0.01, haltingBias: 0,
                                     stateReset: 0)
            let setup = NetworkTestSetup(config: config, batch: 4, seq: 3, tau: 0.05, seed: 7)
            if maxPonder > 1 { XCTAssertGreaterThanOrEqual(Set(setup.stepsSeen()).count, 2) }
            try setup.checkAllGradients()
        }
    }

    /// The fixed-computation control: K steps everywhere, the last step's state carried, no halting unit
    /// (τ has nothing to act on); one layer and a stack, K = 1 to 3.
    func testGradientsOfTheFixedComputationControl() throws {
        for (layers, steps) in [(2, 3), (1, 2), (3, 1)] {
            let config = ModelConfig(layers: layers, hidden: 4, maxPonder: steps, epsilon: 0.01, haltingBias: 0,
                                     stateReset: 0, ponder: .fixed)
            let setup = NetworkTestSetup(config: config, batch: 3, seq: 3, tau: 0.05, seed: 7)
            XCTAssertEqual(Set(setup.stepsSeen()), [Int32(steps)])
            try setup.checkAllGradients()
        }
    }

    func testGradientsOfPlainLSTMWhenMIsOne() throws {
        let config = ModelConfig(layers: 2, hidden: 4, maxPonder: 1, epsilon: 0.01, stateReset: 0)
        let setup = NetworkTestSetup(config: config, batch: 2, seq: 3, tau: 0.1, seed: 3)
        XCTAssertEqual(Set(setup.stepsSeen()), [1])
        try setup.checkAllGradients()
    }
}

/// A small Double network with random weights large enough that halting varies between streams, a random
/// carried state, and a random window of bytes.
struct NetworkTestSetup {
    let config: ModelConfig
    let batch: Int
    let seq: Int
    let tau: Double
    let network: Network<Double>
    var parameters: [Double]
    let state: [Double]
    let inputs: [UInt8]
    let targets: [UInt8]

    init(config: ModelConfig, batch: Int, seq: Int, tau: Double, seed: UInt64) {
        self.config = config
        self.batch = batch
        self.seq = seq
        self.tau = tau
        var random = RandomSource(seed: seed)
        let layout = ParameterLayout(config: config)
        parameters = layout.initialParameters(random: &random).map { 2 * Double($0) }
        for layer in layout.layers {
            for i in layer.haltingWeights { parameters[i] = 3 * random.nextGaussian() }
            for i in layer.haltingBias { parameters[i] = -0.3 }
        }
        network = Network<Double>(config: config, batch: batch, seq: seq, tau: tau)
        state = (0..<network.state.count).map { _ in 0.5 * random.nextGaussian() }
        // A few byte values, so input-weight rows get several contributions.
        inputs = (0..<batch * seq).map { _ in UInt8(97 + random.next() % 5) }
        targets = (0..<batch * seq).map { _ in UInt8(97 + random.next() % 5) }
    }

    /// The objective and the ponder steps of every layer and position at `θ`.
    func evaluate(_ θ: [Double]) -> (objective: Double, steps: [Int32]) {
        network.state = state
        let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)
        let steps = (0..<config.layers).flatMap { Array(network.steps(layer: $0)) }
        return (loss.objective(tau: tau), steps)
    }

    func stepsSeen() -> [Int32] { evaluate(parameters).steps }

    func analyticGradient() -> [Double] {
        _ = evaluate(parameters)
        return network.backward(parameters: parameters)
    }

    /// Central differences for every parameter; a parameter whose nudge changes some halting decision
    /// (N is piecewise constant, so the derivative is one-sided there) is skipped, and few may be.
    func checkAllGradients(file: StaticString = #filePath, line: UInt = #line) throws {
        let analytic = analyticGradient()
        let (_, baseSteps) = evaluate(parameters)
        let h = 1e-5
        var θ = parameters
        var skipped = 0, checked = 0, worst = 0.0
        for i in θ.indices {
            let original = θ[i]
            θ[i] = original + h
            let (plus, stepsPlus) = evaluate(θ)
            θ[i] = original - h
            let (minus, stepsMinus) = evaluate(θ)
            θ[i] = original
            if stepsPlus != baseSteps || stepsMinus != baseSteps {
                skipped += 1
                continue
            }
            let numeric = (plus - minus) / (2 * h)
            let error = abs(numeric - analytic[i]) / max(abs(numeric) + abs(analytic[i]), 1e-3)
            worst = max(worst, error)
            checked += 1
            if error > 1e-5 {
                XCTFail("parameter \(i) (\(ParameterName.of(i, in: network.layout))): analytic \(analytic[i]), "
                        + "numeric \(numeric)", file: file, line: line)
                return
            }
        }
        XCTAssertLessThan(skipped, θ.count / 100, "too many parameters sit on a halting decision", file: file, line: line)
        XCTAssertGreaterThan(analytic.filter { $0 != 0 }.count, θ.count / 4, "most gradients should be non-zero",
                             file: file, line: line)
        print("gradient check: \(checked) parameters, \(skipped) skipped, worst relative error \(worst)")
    }
}

/// Names a parameter index for failure messages.
enum ParameterName {
    static func of(_ i: Int, in layout: ParameterLayout) -> String {
        for (l, layer) in layout.layers.enumerated() {
            let parts: [(String, Range<Int>)] = [
                ("input weights", layer.inputWeights), ("flag weights", layer.flagWeights),
                ("recurrent weights", layer.recurrentWeights), ("bias", layer.bias),
                ("halting weights", layer.haltingWeights), ("halting bias", layer.haltingBias),
            ]
            for (name, range) in parts where range.contains(i) { return "layer \(l + 1) \(name)[\(i - range.lowerBound)]" }
        }
        if layout.outputWeights.contains(i) { return "output weights[\(i - layout.outputWeights.lowerBound)]" }
        return "output bias[\(i - layout.outputBias.lowerBound)]"
    }
}
