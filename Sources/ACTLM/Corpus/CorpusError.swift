import CZlib

/// Everything that can be wrong with a corpus, each saying which file, where, and what to do.
public enum CorpusError: Error, CustomStringConvertible, Sendable {
    /// Which check in a compressed stream's trailer failed.
    public enum Check: String, Sendable {
        case crc32 = "CRC-32 in the gzip trailer"
        case length = "length in the gzip trailer"
        case adler32 = "Adler-32 checksum at the end of the zlib stream"
    }

    case cannotOpen(path: String, reason: String)
    case isDirectory(path: String)
    case cannotRead(path: String, offset: Int64, reason: String)
    /// `offset` is the compressed byte where zlib found the damage.
    case corruptData(path: String, format: CorpusFormat, offset: Int64, detail: String)
    case checkMismatch(path: String, offset: Int64, check: Check, decompressed: Int64)
    case truncated(path: String, format: CorpusFormat, offset: Int64, decompressed: Int64)
    case trailingData(path: String, format: CorpusFormat, offset: Int64)
    case empty(path: String)
    case shorterThanWindow(path: String, trainBytes: Int64, windowBytes: Int)
    case noValidation(path: String, totalBytes: Int64, validFraction: Double)
    case changed(path: String, offset: Int64, expected: Int64)
    case needsFile(path: String)
    /// zlib could not set up or run an inflate stream for reasons other than the data (`status` is its code).
    case zlibFailed(path: String, operation: String, status: Int32)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open corpus \(name(path)): \(reason). Check the path (`make corpus` puts the "
                + "default corpus at corpora/wiki.gz)."
        case let .isDirectory(path):
            return "\(name(path)) is a directory; give the path of a gzip, zlib or plain text file."
        case let .cannotRead(path, offset, reason):
            return "cannot read \(name(path)) at byte \(offset): \(reason). Check that the file is "
                + "readable and complete."
        case let .corruptData(path, format, offset, detail):
            return "\(name(path)) is damaged: corrupt \(format) data at compressed byte \(offset) "
                + "(\(detail)). Get a fresh copy of the file; `gzip -t` confirms the damage."
        case let .checkMismatch(path, offset, check, decompressed):
            return "\(name(path)) is damaged: the \(check.rawValue) at compressed byte \(offset) does not "
                + "match the data before it (\(decompressed) bytes in that stream). Get a fresh copy of the file."
        case let .truncated(path, format, offset, decompressed):
            return "\(name(path)) is truncated: its \(format) data stops at compressed byte \(offset) "
                + "in the middle of a stream, after \(decompressed) decompressed bytes. The file is "
                + "incomplete; copy or download it again."
        case let .trailingData(path, format, offset):
            let what = format == .gzip ? "is not another gzip member" : "follows the end of the zlib stream"
            return "\(name(path)) has extra data at compressed byte \(offset) that \(what). Remove the "
                + "extra bytes or get a fresh copy of the file."
        case let .empty(path):
            return "\(name(path)) is empty: a corpus needs text to train on. Give a file with text in it."
        case let .shorterThanWindow(path, trainBytes, windowBytes):
            return "\(name(path)): the training part has \(trainBytes) bytes, shorter than one window of "
                + "\(windowBytes) bytes (sequence length + 1). Use a larger corpus, a shorter sequence "
                + "length, or a smaller --valid-fraction."
        case let .noValidation(path, totalBytes, validFraction):
            return "\(name(path)): the validation part is empty (\(validFraction) of \(totalBytes) bytes "
                + "is less than one byte). Raise --valid-fraction, give a separate --valid FILE, or use "
                + "--valid-fraction 0 to go without validation."
        case let .changed(path, offset, expected):
            return "\(name(path)) ends at decompressed byte \(offset), short of byte \(expected) that was "
                + "expected: the file changed after it was scanned. Leave the corpus alone during a run and "
                + "start again."
        case let .needsFile(path):
            return "\(name(path)): training needs a file: it reads several streams at different offsets "
                + "and comes back for validation; save standard input to a file and give its path."
        case let .zlibFailed(path, operation, status):
            let reason: String
            switch status {
            case Z_MEM_ERROR:
                reason = "zlib ran out of memory. Close other programs, or train with a smaller --batch (each "
                    + "stream of the batch holds its own 32 KiB inflate window)"
            case Z_VERSION_ERROR:
                reason = "the zlib library loaded (\(String(cString: zlibVersion()))) is not the one actlm was "
                    + "built against (\(ZLIB_VERSION)). Reinstall zlib1g-dev and rebuild (make build)"
            default:
                reason = "zlib returned status \(status). Decompress the corpus with `gzip -dc` and give the plain "
                    + "text instead"
            }
            return "cannot \(operation) \(name(path)): \(reason)."
        case let .invalidSetting(message):
            return message
        }
    }

    private func name(_ path: String) -> String {
        path == "-" ? "standard input" : "'\(path)'"
    }
}
