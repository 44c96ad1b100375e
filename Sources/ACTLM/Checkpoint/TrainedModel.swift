/// A model as the commands that use one need it: its configuration and weights, and the file they came
/// from. The rest of a training checkpoint (optimizer, positions, metrics) is not read.
public struct TrainedModel: Sendable {
    public let path: String
    public let config: ModelConfig
    public let parameters: [Float]

    public init(path: String, config: ModelConfig, parameters: [Float]) {
        precondition(parameters.count == ParameterLayout(config: config).count, "parameters for another model")
        self.path = path
        self.config = config
        self.parameters = parameters
    }

    /// Loads `checkpoint` when given, otherwise the newest checkpoint under `directory`, through the checks
    /// every command applies to a checkpoint it opens (`CheckpointFile.validated`).
    public static func load(_ checkpoint: String?,
                            directory: String = CheckpointLocator.defaultDirectory) throws -> TrainedModel {
        let path = try CheckpointLocator.locate(checkpoint, directory: directory)
        let (config, parameters) = try CheckpointFile.read(from: path).decodeModel()
        return TrainedModel(path: path, config: config, parameters: parameters)
    }

    /// "2 layers of 256, M = 8" ("…, K = 2 fixed steps per byte" for the fixed control), for headers and logs.
    public var shape: String {
        "\(config.layers) layer\(config.layers == 1 ? "" : "s") of \(config.hidden), "
            + (config.ponder == .fixed ? "K = \(config.maxPonder) fixed steps per byte" : "M = \(config.maxPonder)")
    }
}
