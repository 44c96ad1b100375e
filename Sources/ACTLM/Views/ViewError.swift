/// What can go wrong in sampling and ponder maps, each with a message that says what to change.
public enum ViewError: Error, Equatable, CustomStringConvertible {
    case invalidTemperature(Float)
    case invalidTopK(Int)
    case layerOutOfRange(layer: Int, layers: Int)
    case invalidFigureSize(String)
    case cannotWrite(name: String, reason: String)

    public var description: String {
        switch self {
        case .invalidTemperature(let t):
            return "temperature \(t) is not usable: give 0 for greedy sampling or a positive number "
                + "(1 samples the model's own distribution, below 1 is more conservative)"
        case .invalidTopK(let k):
            return "top-k \(k) is out of range: give 0 to sample from all 256 bytes or 1 to 256 to keep "
                + "only the k most likely"
        case .layerOutOfRange(let layer, let layers):
            return "layer \(layer) does not exist: the model has \(layers) layer\(layers == 1 ? "" : "s") "
                + "(give 1 to \(layers), or leave it out for the sum over layers)"
        case .invalidFigureSize(let what):
            return "figure size: \(what)"
        case .cannotWrite(let name, let reason):
            return "cannot write \(name): \(reason)"
        }
    }
}
