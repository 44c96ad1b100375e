import Foundation
import XCTest
import ACTLM

/// `actlm export`: the file it writes, read back here as any safetensors reader would, and the
/// checkpoints it must refuse without writing anything.
final class ExportCommandTests: XCTestCase {
    /// A safetensors file taken apart by the format's rules alone.
    struct ReadBack {
        var headerLength: Int
        var metadata: [String: String]
        /// name → (shape, begin, end), in file order.
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)]
        var data: [UInt8]

        init(_ bytes: [UInt8]) throws {
            headerLength = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            let header = Array(bytes[8..<8 + headerLength])
            data = Array(bytes[(8 + headerLength)...])
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(header)) as? [String: Any])
            metadata = try XCTUnwrap(object["__metadata__"] as? [String: String])
            entries = []
            for (name, value) in object where name != "__metadata__" {
                let tensor = try XCTUnwrap(value as? [String: Any])
                XCTAssertEqual(tensor["dtype"] as? String, "F32", name)
                let offsets = try XCTUnwrap(tensor["data_offsets"] as? [Int])
                entries.append((name, try XCTUnwrap(tensor["shape"] as? [Int]), offsets[0], offsets[1]))
            }
            entries.sort { $0.begin < $1.begin }
        }

        func floats(_ name: String) throws -> [Float] {
            let entry = try XCTUnwrap(entries.first { $0.name == name }, "no tensor \(name)")
            return stride(from: entry.begin, to: entry.end, by: 4).map { i in
                Float(bitPattern: data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt32.self)) })
            }
        }
    }

    func testExportHoldsEveryWeightUnderItsNameAndTheSettingsInItsMetadata() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let model = CommandFixtures.randomModel(layers: 2, hidden: 8, maxPonder: 3)
        try CommandFixtures.save(model, to: directory + "/run/best.ckpt")

        let result = try ActlmBinary.run(["export", "run/best.ckpt"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.text.hasPrefix("wrote run/best.safetensors: 2 layers of 8, M = 3"), result.text)
        let bytes = Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/run/best.safetensors")))
        let file = try ReadBack(bytes)

        XCTAssertEqual(file.headerLength % 8, 0, "the tensor bytes start aligned")
        XCTAssertEqual(bytes[8], UInt8(ascii: "{"))
        XCTAssertEqual(file.metadata["format"], "actlm-act-lstm")
        XCTAssertEqual(file.metadata["format_version"], "1")
        XCTAssertEqual(file.metadata["layers"], "2")
        XCTAssertEqual(file.metadata["hidden"], "8")
        XCTAssertEqual(file.metadata["max_ponder"], "3")
        XCTAssertEqual(Double(try XCTUnwrap(file.metadata["epsilon"])), model.config.epsilon)
        XCTAssertEqual(file.metadata["halting_input"], "h-c")
        XCTAssertEqual(file.metadata["halting_scope"], "layer")
        XCTAssertEqual(file.metadata["state_reset"], String(model.config.stateReset))
        XCTAssertEqual(file.metadata["gate_order"], "i,f,o,g")

        let H = 8, G = 32
        let expected: [(String, [Int])] = [
            ("layer1.input_weights", [256, G]), ("layer1.flag_weights", [G]), ("layer1.recurrent_weights", [H, G]),
            ("layer1.bias", [G]), ("layer1.halting_weights", [2 * H]), ("layer1.halting_bias", [1]),
            ("layer2.input_weights", [H, G]), ("layer2.flag_weights", [G]), ("layer2.recurrent_weights", [H, G]),
            ("layer2.bias", [G]), ("layer2.halting_weights", [2 * H]), ("layer2.halting_bias", [1]),
            ("output.weights", [H, 256]), ("output.bias", [256]),
        ]
        XCTAssertEqual(file.entries.map(\.name), expected.map(\.0))
        XCTAssertEqual(file.entries.map(\.shape), expected.map(\.1))
        // No gaps, no overlaps, the whole buffer covered: what the format's reference reader demands.
        XCTAssertEqual(file.entries.first?.begin, 0)
        for (a, b) in zip(file.entries, file.entries.dropFirst()) { XCTAssertEqual(a.end, b.begin, b.name) }
        XCTAssertEqual(file.entries.last?.end, file.data.count)
        for entry in file.entries { XCTAssertEqual(entry.end - entry.begin, 4 * entry.shape.reduce(1, *), entry.name) }

        // Each tensor is its range of the parameter buffer, bit for bit.
        let layout = ParameterLayout(config: model.config)
        let ranges = [layout.layers[0].inputWeights, layout.layers[1].recurrentWeights, layout.layers[1].haltingBias,
                      layout.outputWeights]
        for (name, range) in zip(["layer1.input_weights", "layer2.recurrent_weights", "layer2.halting_bias",
                                  "output.weights"], ranges) {
            XCTAssertEqual(try file.floats(name).map(\.bitPattern), model.parameters[range].map(\.bitPattern), name)
        }
        XCTAssertEqual(file.data.count, 4 * model.parameters.count, "every parameter once, nothing else")
    }

    func testStackScopeAndHiddenOnlyHaltingShapeTheHaltingTensors() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let config = ModelConfig(layers: 3, hidden: 8, maxPonder: 2, epsilon: 0.1, stateReset: 100,
                                 haltingInput: .hidden, haltingScope: .stack)
        var random = RandomSource(seed: 2)
        let parameters = ParameterLayout(config: config).initialParameters(random: &random)
        try CommandFixtures.save(TrainedModel(path: "m.ckpt", config: config, parameters: parameters),
                                 to: directory + "/m.ckpt")

        let result = try ActlmBinary.run(["export", "m.ckpt", "-o", "out.safetensors", "--json"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        XCTAssertEqual(summary["output"] as? String, "out.safetensors")
        XCTAssertEqual(summary["parameters"] as? Int, parameters.count)
        let file = try ReadBack(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/out.safetensors"))))
        XCTAssertEqual(summary["bytes"] as? Int, 8 + file.headerLength + file.data.count)
        XCTAssertEqual((summary["tensors"] as? [[String: Any]])?.count, file.entries.count)
        XCTAssertEqual(file.entries.filter { $0.name.contains("halting") }.map(\.name),
                       ["layer1.halting_weights", "layer1.halting_bias"], "only layer 1 halts for the stack")
        XCTAssertEqual(file.entries.first { $0.name == "layer1.halting_weights" }?.shape, [8])
        XCTAssertEqual(file.metadata["halting_scope"], "stack")
        XCTAssertEqual(file.metadata["halting_input"], "h")
        XCTAssertEqual(file.metadata["state_reset"], "100")
        XCTAssertEqual(file.metadata["epsilon"], "0.1")
    }

    /// A checkpoint that cannot be read gets the reader's own message, and nothing is written: no
    /// export, no temporary file.
    func testDamagedOrForeignCheckpointsAreRefusedWithoutWritingAnything() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        for (checkpoint, message) in try CommandFixtures.unreadableCheckpoints(in: directory) {
            let error = try ActlmBinary.failure(["export", checkpoint, "-o", "out.safetensors"], in: directory)
            XCTAssertTrue(error.contains(checkpoint) && error.contains(message), "\(checkpoint): \(error)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".actlm-") }
        XCTAssertEqual(left.sorted(), ["damaged.ckpt", "foreign.ckpt", "good.ckpt", "truncated.ckpt"])
    }

    func testTheExportNeverReplacesItsCheckpoint() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        try CommandFixtures.save(CommandFixtures.randomModel(hidden: 8), to: directory + "/run/latest.ckpt")
        let before = FileManager.default.contents(atPath: directory + "/run/latest.ckpt")
        let error = try ActlmBinary.failure(["export", "run", "-o", "run/../run/latest.ckpt"], in: directory)
        XCTAssertTrue(error.contains("the checkpoint being exported"), error)
        XCTAssertEqual(FileManager.default.contents(atPath: directory + "/run/latest.ckpt"), before)
        let folder = try ActlmBinary.failure(["export", "run/latest.ckpt", "-o", "run"], in: directory)
        XCTAssertTrue(folder.contains("is a folder"), folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/run"), ["latest.ckpt"])
    }

    /// A checkpoint of an actlm before state resets, the halting input and the halting scope were
    /// settings reads as those models ran: never reset, [h ; c], each layer on its own.
    func testCheckpointsOfEarlierVersionsExportWithTheSettingsTheyRanWith() throws {
        let directory = try CommandFixtures.temporaryDirectory(for: self)
        let config = ModelConfig(layers: 1, hidden: 4, maxPonder: 2, epsilon: 0.01)
        var random = RandomSource(seed: 4)
        var file = CheckpointFile()
        struct EarlierConfig: Encodable {
            var layers = 1, hidden = 4, maxPonder = 2
            var epsilon = 0.01, haltingBias = 1.0
        }
        try file.encodeJSON(CheckpointFile.Tag.config, EarlierConfig())
        let parameters = ParameterLayout(config: config).initialParameters(random: &random)
        file.encode(CheckpointFile.Tag.parameters) { $0.write(floatArray: parameters) }
        try file.write(to: directory + "/old.ckpt")

        let result = try ActlmBinary.run(["export", "old.ckpt", "--json"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let export = try ReadBack(Array(try XCTUnwrap(FileManager.default.contents(atPath: directory + "/old.safetensors"))))
        XCTAssertEqual(export.metadata["state_reset"], "0")
        XCTAssertEqual(export.metadata["halting_input"], "h-c")
        XCTAssertEqual(export.metadata["halting_scope"], "layer")
        XCTAssertEqual(export.metadata["epsilon"], "0.01")
        XCTAssertEqual(export.data.count, 4 * parameters.count)
    }
}
