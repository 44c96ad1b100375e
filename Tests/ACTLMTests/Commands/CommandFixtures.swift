import Foundation
import XCTest
import ACTLM

/// Tiny models for the tests of the commands that use one; `ActlmBinary` runs the commands.
enum CommandFixtures {
    /// A small model with random weights. The halting units get random weights too (fresh ones are 0,
    /// which makes every byte take the same 2 steps), so ponder differs from byte to byte as in a trained
    /// model.
    static func randomModel(layers: Int = 2, hidden: Int = 16, maxPonder: Int = 4, seed: UInt64 = 3,
                            path: String = "random.ckpt") -> TrainedModel {
        let config = ModelConfig(layers: layers, hidden: hidden, maxPonder: maxPonder, epsilon: 0.01, stateReset: 0)
        let layout = ParameterLayout(config: config)
        var random = RandomSource(seed: seed)
        var parameters = layout.initialParameters(random: &random)
        for layer in layout.layers {
            for i in layer.haltingWeights { parameters[i] = 3 * (2 * random.nextUnitFloat() - 1) }
            for i in layer.haltingBias { parameters[i] = 2 * random.nextUnitFloat() - 0.5 }
        }
        return TrainedModel(path: path, config: config, parameters: parameters)
    }

    /// Writes `model` as a checkpoint at `path` (folders created), as training would.
    @discardableResult
    static func save(_ model: TrainedModel, to path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        var file = CheckpointFile()
        try file.encodeModel(config: model.config, parameters: model.parameters)
        try file.write(to: path)
        return path
    }

    /// Writes into `directory` a good checkpoint (good.ckpt) and three that cannot be read (damaged.ckpt,
    /// truncated.ckpt, foreign.ckpt), and returns those with missing.ckpt, each with the words its error
    /// must contain.
    static func unreadableCheckpoints(in directory: String) throws -> [(file: String, message: String)] {
        try save(randomModel(hidden: 8), to: directory + "/good.ckpt")
        var damaged = Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/good.ckpt")))
        damaged[damaged.count / 2] ^= 0x10
        try Data(damaged).write(to: URL(fileURLWithPath: directory + "/damaged.ckpt"))
        try Data(damaged.prefix(damaged.count - 100)).write(to: URL(fileURLWithPath: directory + "/truncated.ckpt"))
        try Data("{\"layers\": 2}\n".utf8).write(to: URL(fileURLWithPath: directory + "/foreign.ckpt"))
        return [("damaged.ckpt", "corrupted"), ("truncated.ckpt", "truncated"),
                ("foreign.ckpt", "not an actlm checkpoint"), ("missing.ckpt", "no such checkpoint")]
    }

    /// A fresh folder, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> String {
        try CorpusFixtures.temporaryDirectory(for: test).path
    }

    /// Text in the style of Wikipedia's markup, with UTF-8 letters: the corpus fixture's generator.
    static func text(bytes: Int, seed: UInt64 = 5) -> [UInt8] {
        CorpusFixtures.text(bytes: bytes, seed: seed)
    }
}
