import ACTLM

/// The text a command runs a model over (a file, plain or gzip, or '-' for standard input), with
/// messages that speak of the text rather than of a training corpus.
enum TextInput {
    static func open(_ path: String) throws -> ByteStream {
        do {
            return try ByteStream(path: path)
        } catch CorpusError.cannotOpen(let path, let reason) {
            throw TextInputError.cannotOpen(path: path, reason: reason)
        }
    }
}

enum TextInputError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case tooShort(path: String, bytes: Int64)

    var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open the text '\(path)': \(reason). Check the path, or give '-' to read standard input."
        case let .tooShort(path, bytes):
            return "\(path == "-" ? "standard input" : "'\(path)'") has \(bytes) byte\(bytes == 1 ? "" : "s"): "
                + "a model is scored on the bytes it predicts after the first, so give at least 2 bytes of text."
        }
    }
}
