import ACTLM

/// One training window of a small network, forward and backward, with the matrix products it ran
/// recorded by shape (`ProductRecorder`): what `actlm bench` times the engines on.
struct RecordedWindow {
    let network: Network<Float>
    let shapes: [GEMMShape: Int]

    /// The window reads `batch × seq` bytes of `text` (at least one more than that) from weights drawn with `seed`.
    init(config: ModelConfig, batch: Int, seq: Int, text: String, seed: UInt64) {
        var random = RandomSource(seed: seed)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.01)
        let bytes = Array(text.utf8), positions = batch * seq
        let recorder = ProductRecorder()
        network.productRecorder = recorder
        network.forward(parameters: θ, inputs: Array(bytes[0..<positions]), targets: Array(bytes[1...positions]))
        _ = network.backward(parameters: θ)
        shapes = recorder.shapes
    }
}
