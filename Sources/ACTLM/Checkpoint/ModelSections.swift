/// The checkpoint sections that hold the model itself: every command that runs a trained model reads
/// these two, whatever else a training checkpoint carries.
extension CheckpointFile {
    public enum Tag {
        public static let config = "config"          // ModelConfig, JSON
        public static let parameters = "parameters"  // the flat parameter buffer, ParameterLayout order
    }

    public mutating func encodeModel(config: ModelConfig, parameters: [Float]) throws {
        precondition(parameters.count == ParameterLayout(config: config).count,
                     "\(parameters.count) parameters for a model that has \(ParameterLayout(config: config).count)")
        try encodeJSON(Tag.config, config)
        encode(Tag.parameters) { $0.write(floatArray: parameters) }
    }

    /// The model configuration and its parameters, checked against each other.
    public func decodeModel() throws -> (config: ModelConfig, parameters: [Float]) {
        let name = path ?? "checkpoint"
        let config = try decodeJSON(ModelConfig.self, Tag.config)
        guard config.layers >= 1, config.hidden >= 1, config.maxPonder >= 1,
              config.epsilon > 0, config.epsilon < 1 else {
            throw CheckpointError.malformedSection(path: name, section: Tag.config,
                                                  detail: "an impossible model configuration \(config)")
        }
        let parameters = try decode(Tag.parameters) { try $0.readFloatArray() }
        let expected = ParameterLayout(config: config).count
        guard parameters.count == expected else {
            throw CheckpointError.malformedSection(path: name, section: Tag.parameters,
                detail: "\(parameters.count) parameters where the configuration needs \(expected)")
        }
        return (config, parameters)
    }
}
