import Foundation
import XCTest
import ACTLM

/// Trains a tiny model briefly, as plainly as possible (B streams, truncated BPTT with the state carried,
/// Adam, clipping), so the commands can be tested on a model that has learnt something. The real
/// trainer is `actlm train`; this only has to make a model whose samples look like its text.
enum TinyTraining {
    static func train(on text: [UInt8], config: ModelConfig, steps: Int, batch: Int = 8, seq: Int = 32,
                      learningRate: Float = 0.01, seed: UInt64 = 1) -> (model: TrainedModel, bpc: [Double]) {
        let layout = ParameterLayout(config: config)
        var random = RandomSource(seed: seed)
        var parameters = layout.initialParameters(random: &random)
        var adam = Adam(parameterCount: layout.count)
        let network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.001)
        let span = text.count / batch
        var cursor = 0
        var inputs = [UInt8](repeating: 0, count: seq * batch)
        var targets = inputs
        var history: [Double] = []
        for _ in 0..<steps {
            if cursor + seq + 1 > span {
                cursor = 0
                network.resetState()
            }
            for t in 0..<seq {
                for b in 0..<batch {
                    inputs[t * batch + b] = text[b * span + cursor + t]
                    targets[t * batch + b] = text[b * span + cursor + t + 1]
                }
            }
            cursor += seq
            let loss = network.forward(parameters: parameters, inputs: inputs, targets: targets)
            var gradients = network.backward(parameters: parameters)
            _ = GradientClipping.clip(&gradients, maxNorm: 1)
            adam.update(parameters: &parameters, gradients: gradients, learningRate: learningRate)
            history.append(loss.bitsPerCharacter)
        }
        return (TrainedModel(path: "trained.ckpt", config: config, parameters: parameters), history)
    }

    /// Sentences in several scripts (Latin with accents, Greek, Japanese, an emoji), shuffled by seed:
    /// most characters take two to four bytes, so a sample is valid UTF-8 only if the model has learnt
    /// which bytes follow which.
    static func multilingualText(bytes: Int, seed: UInt64 = 4) -> [UInt8] {
        let sentences = ["Grüße aus Köln. ", "Ελληνικά γράμματα. ", "東京は大きい。", "Ça va très bien. ",
                         "señor niño año. ", "猫が好きです。", "Smile 😀 always. ", "Zürich über alles. "]
            .map { Array($0.utf8) }
        var random = RandomSource(seed: seed)
        var out: [UInt8] = []
        while out.count < bytes { out += sentences[Int(random.next() % UInt64(sentences.count))] }
        return out
    }
}
