/// How many ponder steps a layer takes on a byte (`ModelConfig.ponder`, `--fixed-ponder`).
public enum PonderMode: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// Adaptive Computation Time: a halting unit decides, up to M steps, and the layer carries the
    /// mean-field state Σ p^n (h^n, c^n) on (docs/act-lstm.md, "Halting").
    case adaptive = "act"
    /// The fixed-computation control (Repeat-RNN, Fojo et al. 2018): every byte takes exactly K = M steps
    /// in every layer, with the same inputs as ACT's (the flag at step 1 only), and the layer carries the
    /// last step's state on. No halting unit, so no halting parameters and no ponder cost; ρ = N = K.
    case fixed

    public var description: String { rawValue }
}
