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

    /// The model configuration and its parameters, after the checks every command applies to a checkpoint
    /// it opens (`validated`): a training checkpoint's other sections are checked too.
    public func decodeModel() throws -> (config: ModelConfig, parameters: [Float]) {
        let model = try validated()
        return (model.config, model.parameters)
    }
}
