/// The shape of a stacked ACT-LSTM (docs/act-lstm.md); stored in every checkpoint.
public struct ModelConfig: Equatable, Codable, Sendable {
    /// The byte alphabet: the model reads and predicts bytes.
    public static let vocabulary = 256

    public var layers: Int          // L
    public var hidden: Int          // H
    public var maxPonder: Int       // M; 1 makes every layer a plain LSTM. K, the steps of every byte, when fixed
    public var epsilon: Double      // ε: halting threshold is 1 − ε
    public var haltingBias: Double  // initial b_η; 1 as in the paper (an untrained layer takes 2 steps)
    /// Each stream's recurrent state goes back to zero before a window that would take it past this many
    /// bytes since its last reset; 0 never resets. The paper trained on Wikipedia in 500-byte sequences
    /// from a zero state. Without resets some LSTM cells count without bound over millions of bytes
    /// (|c| in the thousands), and the halting unit, which reads c, then sees inputs far larger than
    /// any it can learn from. Every command that runs the model resets the same way.
    public var stateReset: Int
    /// What the halting unit reads of each ponder step's state: [h ; c] as in the paper, or part of it.
    public var haltingInput: HaltingInput
    /// Whether each layer halts on its own or layer 1 halts for the stack.
    public var haltingScope: HaltingScope
    /// ACT, or the fixed-computation control: every byte M steps, no halting unit (the halting settings
    /// above then go unused).
    public var ponder: PonderMode

    /// A setting not given takes the value a plain `actlm train` uses: the defaults live in one place,
    /// `TrainingOptions.defaults`.
    public init(layers: Int = TrainingOptions.defaults.model.layers,
                hidden: Int = TrainingOptions.defaults.model.hidden,
                maxPonder: Int = TrainingOptions.defaults.model.maxPonder,
                epsilon: Double = TrainingOptions.defaults.model.epsilon,
                haltingBias: Double = TrainingOptions.defaults.model.haltingBias,
                stateReset: Int = TrainingOptions.defaults.model.stateReset,
                haltingInput: HaltingInput = TrainingOptions.defaults.model.haltingInput,
                haltingScope: HaltingScope = TrainingOptions.defaults.model.haltingScope,
                ponder: PonderMode = TrainingOptions.defaults.model.ponder) {
        self.layers = layers
        self.hidden = hidden
        self.maxPonder = maxPonder
        self.epsilon = epsilon
        self.haltingBias = haltingBias
        self.stateReset = stateReset
        self.haltingInput = haltingInput
        self.haltingScope = haltingScope
        self.ponder = ponder
    }

    /// K for the fixed-computation control, 0 for ACT (`--fixed-ponder`): setting K > 0 sets the mode and
    /// M = K; 0 sets ACT and leaves M.
    public var fixedPonder: Int {
        get { ponder == .fixed ? maxPonder : 0 }
        set {
            ponder = newValue == 0 ? .adaptive : .fixed
            if newValue != 0 { maxPonder = newValue }
        }
    }

    /// The largest model actlm trains or runs. A stream's state reset interval is bounded because the
    /// scorer holds a whole segment of that many bytes (and each layer's ρ and N of it) in memory.
    public static let maximumLayers = 64, maximumHidden = 16_384, maximumPonder = 1_000, maximumStateReset = 1_000_000

    /// The first setting outside what actlm trains or runs, naming its flag and its field here.
    public var problem: SettingProblem? {
        func require(_ condition: Bool, _ flag: String, _ field: String, _ message: @autoclosure () -> String)
            -> SettingProblem? {
            condition ? nil : SettingProblem(flag: flag, field: field, message: message())
        }
        return require(layers >= 1 && layers <= Self.maximumLayers, "--layers", "layers",
                       "--layers must be between 1 and \(Self.maximumLayers) (got \(layers))")
            ?? require(hidden >= 1 && hidden <= Self.maximumHidden, "--hidden", "hidden",
                       "--hidden must be between 1 and \(Self.maximumHidden) (got \(hidden))")
            ?? require(ponder == .adaptive || (maxPonder >= 1 && maxPonder <= Self.maximumPonder), "--fixed-ponder",
                       "maxPonder",
                       "--fixed-ponder must be 0 (ACT) or between 1 and \(Self.maximumPonder) (got \(maxPonder))")
            ?? require(maxPonder >= 1 && maxPonder <= Self.maximumPonder, "--max-ponder", "maxPonder",
                       "--max-ponder must be between 1 and \(Self.maximumPonder) (got \(maxPonder)); 1 trains a plain LSTM")
            ?? require(epsilon > 0 && epsilon < 1, "--halting-epsilon", "epsilon",
                       "--halting-epsilon must be between 0 and 1 (got \(epsilon)); the paper used 0.01")
            ?? require(haltingBias.isFinite, "--halting-bias", "haltingBias",
                       "--halting-bias must be a finite number (got \(haltingBias))")
            ?? require(stateReset >= 0 && stateReset <= Self.maximumStateReset, "--reset-every", "stateReset",
                       "--reset-every must be 0 (never) or at most \(Self.maximumStateReset) bytes (got \(stateReset))")
    }

    /// Whether layer 1's halting unit decides for layers above it (ACT, the stack's scope, and more than one layer).
    public var haltsAsStack: Bool { ponder == .adaptive && haltingScope == .stack && layers > 1 }

    /// Whether layer `l` (from 0) has a halting unit: under ACT every layer, or with the stack's scope layer
    /// 1 alone; under the fixed control none.
    public func hasHaltingUnit(layer l: Int) -> Bool { ponder == .adaptive && (!haltsAsStack || l == 0) }

    /// "state reset every 500 bytes" or "state never reset", for people.
    public var resetDescription: String {
        stateReset > 0 ? "state reset every \(grouped(stateReset)) bytes" : "state never reset"
    }

    private enum CodingKeys: String, CodingKey {
        case layers, hidden, maxPonder, epsilon, haltingBias, stateReset, haltingInput, haltingScope, ponder
    }

    /// The ponder mode is written only for the fixed control, so an ACT model's settings read as before.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layers, forKey: .layers)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(maxPonder, forKey: .maxPonder)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(haltingBias, forKey: .haltingBias)
        try c.encode(stateReset, forKey: .stateReset)
        try c.encode(haltingInput, forKey: .haltingInput)
        try c.encode(haltingScope, forKey: .haltingScope)
        if ponder != .adaptive { try c.encode(ponder, forKey: .ponder) }
    }

    /// Models saved before state resets existed never reset; before the halting input was a setting,
    /// the halting unit read [h ; c]; before the halting scope was, every layer halted on its own; a model
    /// without a ponder mode is ACT.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(layers: try c.decode(Int.self, forKey: .layers), hidden: try c.decode(Int.self, forKey: .hidden),
                  maxPonder: try c.decode(Int.self, forKey: .maxPonder), epsilon: try c.decode(Double.self, forKey: .epsilon),
                  haltingBias: try c.decode(Double.self, forKey: .haltingBias),
                  stateReset: try c.decodeIfPresent(Int.self, forKey: .stateReset) ?? 0,
                  haltingInput: try c.decodeIfPresent(HaltingInput.self, forKey: .haltingInput) ?? .hiddenAndCell,
                  haltingScope: try c.decodeIfPresent(HaltingScope.self, forKey: .haltingScope) ?? .layer,
                  ponder: try c.decodeIfPresent(PonderMode.self, forKey: .ponder) ?? .adaptive)
    }
}
