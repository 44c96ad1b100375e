import Foundation
import XCTest
import ACTLM

/// The softmax's log-sum-exp, summed in eight partial sums, against a plain serial sum in Double over the
/// very logits the network produced.
final class NetworkSoftmaxTests: XCTestCase {
    func testNatsAreThePlainLogSumExpLessTheTargetLogit() {
        let config = ModelConfig(layers: 1, hidden: 8, maxPonder: 3, epsilon: 0.01, stateReset: 0)
        var random = RandomSource(seed: 4)
        let layout = ParameterLayout(config: config)
        var θ = layout.initialParameters(random: &random)
        // Logits spread over tens of nats, so a missing shift by the maximum would overflow.
        for i in layout.outputWeights { θ[i] *= 80 }
        let batch = 3, seq = 7
        let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let network = Network<Float>(config: config, batch: batch, seq: seq)
        network.forward(parameters: θ, inputs: inputs, targets: targets)
        var spread = 0.0
        for i in 0..<batch * seq {
            let z = network.logits(at: i).map(Double.init)
            let maximum = z.max()!
            var sum = 0.0
            for v in z { sum += exp(v - maximum) }
            let expected = maximum + log(sum) - z[Int(targets[i])]
            XCTAssertEqual(network.nats(at: i), expected, accuracy: 1e-4 * max(1, expected), "position \(i)")
            spread = max(spread, maximum - z.min()!)
        }
        XCTAssertGreaterThan(spread, 30, "the logits should spread widely")
    }

    /// The entropy of a scoring network's predictions, from the same logits as its loss: ln 256 for
    /// equal logits, near 0 when one logit dominates, and a plain Double sum in between.
    func testEntropyOfTheSameDistributionAsTheLoss() {
        let config = ModelConfig(layers: 1, hidden: 8, maxPonder: 3, epsilon: 0.01, stateReset: 0)
        let layout = ParameterLayout(config: config)
        var source = RandomSource(seed: 6)
        var flat = layout.initialParameters(random: &source)
        for i in layout.outputWeights { flat[i] = 0 }
        for i in layout.outputBias { flat[i] = 0 }
        let uniform = Network<Float>(config: config, batch: 1, seq: 2, keeps: .currentTimeStep)
        uniform.forward(parameters: flat, inputs: [1, 2], targets: [2, 3])
        XCTAssertEqual(uniform.entropy(at: 0), log(Double(ModelConfig.vocabulary)), accuracy: 1e-5)
        flat[layout.outputBias.lowerBound + 7] = 60
        let peaked = Network<Float>(config: config, batch: 1, seq: 2, keeps: .currentTimeStep)
        peaked.forward(parameters: flat, inputs: [1, 2], targets: [7, 7])
        XCTAssertGreaterThanOrEqual(peaked.entropy(at: 1), 0)
        XCTAssertLessThan(peaked.entropy(at: 1), 1e-20)

        var random = RandomSource(seed: 5)
        var θ = layout.initialParameters(random: &random)
        for i in layout.outputWeights { θ[i] *= 10 }
        let batch = 2, seq = 5
        let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
        let training = Network<Float>(config: config, batch: batch, seq: seq)
        let scoring = Network<Float>(config: config, batch: batch, seq: seq, keeps: .currentTimeStep)
        training.forward(parameters: θ, inputs: inputs, targets: targets)
        scoring.forward(parameters: θ, inputs: inputs, targets: targets)
        for i in 0..<batch * seq {
            let z = training.logits(at: i).map(Double.init)
            let maximum = z.max()!
            let total = z.reduce(0.0) { $0 + exp($1 - maximum) }
            let p = z.map { exp($0 - maximum) / total }
            let expected = -p.reduce(0.0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            XCTAssertEqual(scoring.entropy(at: i), expected, accuracy: 1e-5 * max(1, expected), "position \(i)")
            XCTAssertEqual(scoring.nats(at: i), training.nats(at: i), accuracy: 1e-6 * max(1, training.nats(at: i)))
        }
    }
}
