/// Which ponder a heat-map colours by: one layer's ρ, or the sum over all layers (the default, since a
/// deep layer often ponders where a shallow one does not).
public enum PonderLayer: Equatable, Sendable {
    case sum
    case layer(Int)   // 1-based, as the user counts layers

    /// Checks the choice against a model with `layers` layers.
    public func validated(layers: Int) throws -> PonderLayer {
        if case .layer(let l) = self, !(1...max(layers, 1)).contains(l) {
            throw ViewError.layerOutOfRange(layer: l, layers: layers)
        }
        return self
    }

    @inline(__always)
    public func value(_ row: PonderMapRow) -> Float {
        switch self {
        case .sum: return row.rho.reduce(0, +)
        case .layer(let l): return row.rho[l - 1]
        }
    }

    /// How legends name it.
    public var label: String {
        switch self {
        case .sum: return "ρ summed over layers"
        case .layer(let l): return "ρ of layer \(l)"
        }
    }
}
