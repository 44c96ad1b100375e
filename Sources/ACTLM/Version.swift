/// The product version, shown by `actlm --version` and stored in checkpoints.
public enum ACTLMVersion {
    public static let string = "0.1.0"
}
