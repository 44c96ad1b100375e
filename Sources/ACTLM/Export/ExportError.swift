/// Why `actlm export` wrote nothing; a checkpoint it cannot read is a `CheckpointError`.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    /// The output path names the checkpoint being exported.
    case outputIsCheckpoint(path: String)
    case outputIsDirectory(path: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .outputIsCheckpoint(path):
            return "\(path): this is the checkpoint being exported; writing the export there would replace it. "
                + "Give another path with -o (for example model.safetensors)."
        case let .outputIsDirectory(path):
            return "\(path) is a folder: give -o a file name (for example \(path.hasSuffix("/") ? path : path + "/")"
                + "model.safetensors)."
        case let .cannotWrite(path, reason):
            return "\(path): could not write the export (\(reason)). Nothing was written; a file already at this "
                + "path is unchanged. Free disk space or check the folder's permissions."
        }
    }
}
