import Foundation
import XCTest
import ACTLM

final class NetworkForwardTests: XCTestCase {
    /// With M = 1 every layer is an ordinary LSTM: the network must agree with the plain one below.
    func testOneStepIsAPlainLSTM() {
        let config = ModelConfig(layers: 2, hidden: 6, maxPonder: 1, epsilon: 0.01, stateReset: 0)
        var random = RandomSource(seed: 5)
        let θ = ParameterLayout(config: config).initialParameters(random: &random).map { 3 * Double($0) }
        let batch = 3, seq = 5
        let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let network = Network<Double>(config: config, batch: batch, seq: seq, tau: 0.01)
        let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)

        let plain = PlainLSTM(config: config, parameters: θ, batch: batch)
        var expectedNats = 0.0
        for t in 0..<seq {
            for b in 0..<batch {
                let logits = plain.step(byte: inputs[t * batch + b], stream: b)
                let i = t * batch + b
                for v in 0..<256 { XCTAssertEqual(network.logits(at: i)[v], logits[v], accuracy: 1e-10) }
                let maximum = logits.max()!
                let nats = maximum + log(logits.reduce(0) { $0 + exp($1 - maximum) }) - logits[Int(targets[i])]
                XCTAssertEqual(network.nats(at: i), nats, accuracy: 1e-10)
                expectedNats += nats
            }
        }
        XCTAssertEqual(loss.taskNats, expectedNats, accuracy: 1e-9)
        // One step with R = 1: ρ = 2 everywhere.
        for l in 0..<config.layers {
            XCTAssertEqual(Set(network.rho(layer: l)), [2])
            XCTAssertEqual(Set(network.steps(layer: l)), [1])
            XCTAssertEqual(loss.ponder[l], Double(2 * batch * seq), accuracy: 1e-9)
        }
        // The carried state is the plain LSTM's last (h, c).
        for (a, b) in zip(network.state, plain.state) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    /// An untrained layer (halting weights 0, b_η = 1) halts after two steps: η = σ(1) ≈ 0.731 < 0.99,
    /// then Σ ≥ 0.99, so N = 2 and ρ = 2 + (1 − σ(1)) ≈ 2.269, as docs/act-lstm.md ("Initial values") says.
    func testUntrainedLayersPonderTwoSteps() {
        let config = ModelConfig(layers: 2, hidden: 8, maxPonder: 8, epsilon: 0.01, stateReset: 0)
        var random = RandomSource(seed: 1)
        let θ = ParameterLayout(config: config).initialParameters(random: &random).map(Double.init)
        let network = Network<Double>(config: config, batch: 2, seq: 4)
        let loss = network.forward(parameters: θ, inputs: Array("hello wo".utf8), targets: Array("ello wor".utf8))
        let expected = 2 + (1 - 1 / (1 + exp(-1.0)))
        for l in 0..<2 {
            XCTAssertEqual(Set(network.steps(layer: l)), [2])
            for r in network.rho(layer: l) { XCTAssertEqual(Double(r), expected, accuracy: 1e-6) }
            XCTAssertEqual(loss.meanPonder[l], expected, accuracy: 1e-6)
        }
        XCTAssertEqual(loss.bitsPerCharacter, 8, accuracy: 0.5, "an untrained model is near uniform over 256 bytes")
    }

    /// Truncated BPTT carries the state: two windows of T give what one window of 2T gives.
    func testStateCarriesAcrossWindows() {
        let config = ModelConfig(layers: 2, hidden: 5, maxPonder: 4, epsilon: 0.01, haltingBias: 0, stateReset: 0)
        let setup = NetworkTestSetup(config: config, batch: 2, seq: 6, tau: 0, seed: 9)
        let long = Network<Double>(config: config, batch: 2, seq: 6)
        long.state = setup.state
        let whole = long.forward(parameters: setup.parameters, inputs: setup.inputs, targets: setup.targets)

        let short = Network<Double>(config: config, batch: 2, seq: 3)
        short.state = setup.state
        let first = short.forward(parameters: setup.parameters, inputs: Array(setup.inputs[0..<6]),
                                  targets: Array(setup.targets[0..<6]))
        let firstSteps = Array(short.steps(layer: 1))
        let second = short.forward(parameters: setup.parameters, inputs: Array(setup.inputs[6...]),
                                   targets: Array(setup.targets[6...]))
        XCTAssertEqual(first.taskNats + second.taskNats, whole.taskNats, accuracy: 1e-9)
        XCTAssertEqual(first.ponder[1] + second.ponder[1], whole.ponder[1], accuracy: 1e-9)
        XCTAssertEqual(firstSteps + Array(short.steps(layer: 1)), Array(long.steps(layer: 1)))
        XCTAssertEqual(short.state, long.state)
    }

    /// A stream due for a state reset starts its window from zero, exactly like a fresh network; a stream
    /// not yet due carries its state on.
    func testStreamsDueForAResetStartFromZero() {
        let config = ModelConfig(layers: 2, hidden: 5, maxPonder: 4, epsilon: 0.01, haltingBias: 0, stateReset: 6)
        let setup = NetworkTestSetup(config: config, batch: 2, seq: 3, tau: 0, seed: 4)
        let window = (inputs: Array(setup.inputs[0..<6]), targets: Array(setup.targets[0..<6]))
        // Stream 0 would pass 6 bytes with this window, stream 1 would not.
        let network = Network<Double>(config: config, batch: 2, seq: 3,
                                      resets: ResetSchedule(interval: 6, bytesSinceReset: [6, 3]))
        network.state = setup.state
        network.forward(parameters: setup.parameters, inputs: window.inputs, targets: window.targets)
        XCTAssertEqual(network.resets.bytesSinceReset, [3, 6])

        var never = config
        never.stateReset = 0
        let fresh = Network<Double>(config: never, batch: 2, seq: 3)
        fresh.forward(parameters: setup.parameters, inputs: window.inputs, targets: window.targets)
        let carried = Network<Double>(config: never, batch: 2, seq: 3)
        carried.state = setup.state
        carried.forward(parameters: setup.parameters, inputs: window.inputs, targets: window.targets)
        for t in 0..<3 {
            XCTAssertEqual(network.nats(at: 2 * t), fresh.nats(at: 2 * t), "stream 0 reset, step \(t)")
            XCTAssertEqual(network.nats(at: 2 * t + 1), carried.nats(at: 2 * t + 1), "stream 1 carried, step \(t)")
            XCTAssertNotEqual(network.nats(at: 2 * t), carried.nats(at: 2 * t), "the reset changed stream 0")
        }
        XCTAssertEqual(network.resets.bytesSinceReset, [3, 6])
        network.resetState()
        XCTAssertEqual(network.resets.bytesSinceReset, [0, 0])
    }

    /// Float (the training path, with its polynomial exponential) agrees with Double.
    func testFloatAgreesWithDouble() {
        let config = ModelConfig(layers: 2, hidden: 16, maxPonder: 5, epsilon: 0.01, haltingBias: 1, stateReset: 0)
        var random = RandomSource(seed: 2)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        let text = Array("The quick brown fox jumps over the lazy dog. ".utf8)
        let inputs = Array(text[0..<40]), targets = Array(text[1..<41])
        let single = Network<Float>(config: config, batch: 4, seq: 10, tau: 0.01)
        let double = Network<Double>(config: config, batch: 4, seq: 10, tau: 0.01)
        let lossF = single.forward(parameters: θ, inputs: inputs, targets: targets)
        let lossD = double.forward(parameters: θ.map(Double.init), inputs: inputs, targets: targets)
        XCTAssertEqual(lossF.taskNats, lossD.taskNats, accuracy: 1e-4 * lossD.taskNats)
        let gF = single.backward(parameters: θ), gD = double.backward(parameters: θ.map(Double.init))
        let scale = gD.map(abs).max()!
        for i in gD.indices { XCTAssertEqual(Double(gF[i]), gD[i], accuracy: 1e-3 * scale) }
    }

    func testFastExponentialIsAccurate() {
        var worst: Float = 0
        var x: Float = -80
        while x < 80 {
            let exact = Float(exp(Double(x)))
            worst = max(worst, abs(Float.exponential(x) - exact) / exact)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 4e-7)
        XCTAssertEqual(Float.exponential(-.infinity), 0, accuracy: 1e-37)
        XCTAssertFalse(Float.exponential(.nan).isNaN == false && Float.exponential(.nan) < 0)
    }
}

/// A deliberately plain LSTM, one stream and one step at a time, reading the same parameter layout.
final class PlainLSTM {
    let config: ModelConfig
    let θ: [Double]
    let layout: ParameterLayout
    var h: [[[Double]]]   // [stream][layer][H]
    var c: [[[Double]]]

    init(config: ModelConfig, parameters: [Double], batch: Int) {
        self.config = config
        θ = parameters
        layout = ParameterLayout(config: config)
        h = Array(repeating: Array(repeating: Array(repeating: 0, count: config.hidden), count: config.layers), count: batch)
        c = h
    }

    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Reads one byte in `stream`, returns the 256 logits.
    func step(byte: UInt8, stream b: Int) -> [Double] {
        let H = config.hidden
        var input: [Double] = []
        for (l, p) in layout.layers.enumerated() {
            var a = [Double](repeating: 0, count: 4 * H)
            for j in 0..<(4 * H) {
                var sum = θ[p.bias.lowerBound + j] + θ[p.flagWeights.lowerBound + j]
                if l == 0 {
                    sum += θ[p.inputWeights.lowerBound + Int(byte) * 4 * H + j]
                } else {
                    for u in 0..<H { sum += input[u] * θ[p.inputWeights.lowerBound + u * 4 * H + j] }
                }
                for u in 0..<H { sum += h[b][l][u] * θ[p.recurrentWeights.lowerBound + u * 4 * H + j] }
                a[j] = sum
            }
            for j in 0..<H {
                let i = sigmoid(a[j]), f = sigmoid(a[H + j]), o = sigmoid(a[2 * H + j]), g = tanh(a[3 * H + j])
                c[b][l][j] = f * c[b][l][j] + i * g
                h[b][l][j] = o * tanh(c[b][l][j])
            }
            input = h[b][l]
        }
        return (0..<256).map { v in
            θ[layout.outputBias.lowerBound + v]
                + (0..<H).reduce(0) { $0 + input[$1] * θ[layout.outputWeights.lowerBound + $1 * 256 + v] }
        }
    }

    /// [L, 2, B, H] like Network.state.
    var state: [Double] {
        var s: [Double] = []
        for l in 0..<config.layers {
            for b in h.indices { s += h[b][l] }
            for b in c.indices { s += c[b][l] }
        }
        return s
    }
}
