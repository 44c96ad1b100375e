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
}
