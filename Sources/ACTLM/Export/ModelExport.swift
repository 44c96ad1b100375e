/// A trained model as a safetensors file that runs without actlm: every weight under a name that says
/// what it is (docs/using-a-model.md names the symbol of each in docs/act-lstm.md), and in the metadata
/// every setting the forward pass needs. No optimizer state, nothing of training.
///
/// Shapes keep actlm's own layout (`ParameterLayout`): a matrix has one row per input unit, so a
/// layer's gate pre-activations are the row vector x·W (NumPy's `x @ W`), gate columns in the order
/// i, f, o, g. Layers are numbered from 1, as in the ponder map's `rho_1`, `n_1`.
///
///     layer{l}.input_weights      [256, 4H] for layer 1 (one row per byte value), [H, 4H] above
///     layer{l}.flag_weights       [4H]      the first-step flag's row, added at ponder step 1 only
///     layer{l}.recurrent_weights  [H, 4H]
///     layer{l}.bias               [4H]
///     layer{l}.halting_weights    [H] (halting_input h) or [2H] (h-c, h-tanh-c): w_η, h part first
///     layer{l}.halting_bias       [1]       b_η
///     output.weights              [H, 256]
///     output.bias                 [256]
///
/// With the stack's halting scope only layer 1 has halting tensors; the fixed-computation control
/// (metadata `ponder` = `fixed`: every byte `max_ponder` steps, the last step's state carried) has none.
public struct ModelExport: Sendable {
    /// The version of this layout of names, shapes and metadata; a reader checks it. An ACT model's export
    /// is version 1; the fixed control's is 2, so that a reader that knows only ACT refuses it.
    public static let formatVersion = 1
    public static func formatVersion(of config: ModelConfig) -> Int { config.ponder == .fixed ? 2 : formatVersion }
    /// `__metadata__["format"]`, so a reader knows the file is one of these.
    public static let formatName = "actlm-act-lstm"

    public let config: ModelConfig
    public let file: SafetensorsFile

    public init(_ model: TrainedModel) {
        config = model.config
        let layout = ParameterLayout(config: config)
        let H = config.hidden, gates = 4 * H, V = ModelConfig.vocabulary
        let θ = model.parameters
        var tensors: [SafetensorsFile.Tensor] = []
        func add(_ name: String, _ shape: [Int], _ range: Range<Int>) {
            tensors.append(SafetensorsFile.Tensor(name: name, shape: shape, values: Array(θ[range])))
        }
        for (l, layer) in layout.layers.enumerated() {
            let prefix = "layer\(l + 1)."
            add(prefix + "input_weights", [layer.inputSize, gates], layer.inputWeights)
            add(prefix + "flag_weights", [gates], layer.flagWeights)
            add(prefix + "recurrent_weights", [H, gates], layer.recurrentWeights)
            add(prefix + "bias", [gates], layer.bias)
            if layer.hasHaltingUnit {
                add(prefix + "halting_weights", [layer.haltingWeights.count], layer.haltingWeights)
                add(prefix + "halting_bias", [1], layer.haltingBias)
            }
        }
        add("output.weights", [H, V], layout.outputWeights)
        add("output.bias", [V], layout.outputBias)
        file = SafetensorsFile(tensors: tensors, metadata: Self.metadata(config))
    }

    /// What a reader needs besides the weights, as strings (the format allows no other values).
    static func metadata(_ config: ModelConfig) -> [String: String] {
        [
            "format": formatName,
            "format_version": String(formatVersion(of: config)),
            "actlm_version": ACTLMVersion.string,
            "layers": String(config.layers),
            "hidden": String(config.hidden),
            "vocabulary": String(ModelConfig.vocabulary),
            "max_ponder": String(config.maxPonder),
            "ponder": config.ponder.rawValue,
            "epsilon": String(config.epsilon),
            "halting_input": config.haltingInput.rawValue,
            "halting_scope": config.haltingScope.rawValue,
            "state_reset": String(config.stateReset),
            "gate_order": "i,f,o,g",
            "matrix_layout": "input-major: pre-activations are x @ W",
        ]
    }

    /// The bytes of the file.
    public func serialized() -> [UInt8] { file.serialized() }

    /// Writes the file through `AtomicFile`: `path` holds its old contents or the whole export, never a
    /// part.
    public func write(to path: String) throws {
        do {
            try AtomicFile.write(serialized(), to: path)
        } catch let error as AtomicFile.WriteError {
            throw ExportError.cannotWrite(path: path, reason: error.reason)
        }
    }
}
