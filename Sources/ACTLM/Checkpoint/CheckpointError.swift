/// Why a checkpoint could not be read or written; each message names the file and says what to do.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notACheckpoint(path: String)
    case newerVersion(path: String, version: UInt32, supported: UInt32)
    /// `expected` is exact once the header has been read, a lower bound before (`exact` false).
    case truncated(path: String, expected: Int, found: Int, exact: Bool)
    case corruptedHeader(path: String, detail: String)
    case corruptedSection(path: String, section: String, detail: String)
    case missingSection(path: String, section: String)
    /// The section's bytes are intact but do not decode as what the reader expects.
    case malformedSection(path: String, section: String, detail: String)
    /// The file is intact, but a value in it cannot be right: outside what actlm runs, not finite, or
    /// at odds with another value. `field` names it as the section spells it (`options.model.hidden`).
    case invalidValue(path: String, section: String, field: String, detail: String)
    /// A section claims more bytes than a model of the checkpoint's settings has.
    case sectionTooLarge(path: String, section: String, length: Int, limit: Int)
    case invalidSectionName(String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        let useAnother = "use another checkpoint (the run folder keeps the latest and the best) or start a new run"
        switch self {
        case let .missing(path):
            return "\(path): no such checkpoint. Check the path; training writes its checkpoints to checkpoints/<run>/."
        case let .unreadable(path, reason):
            return "\(path): cannot read the checkpoint (\(reason)). Check the path and its permissions."
        case let .notACheckpoint(path):
            return "\(path): not an actlm checkpoint (it does not start with \"ACTLMCKP\"). Check the path."
        case let .newerVersion(path, version, supported):
            return "\(path): written in checkpoint format version \(version), but this actlm "
                + "(\(ACTLMVersion.string)) reads only versions up to \(supported). Upgrade actlm to read it."
        case let .truncated(path, expected, found, exact):
            return "\(path): the checkpoint is truncated: expected \(exact ? "" : "at least ")\(expected) bytes, "
                + "found \(found). It was cut short (an interrupted copy or download?); \(useAnother)."
        case let .corruptedHeader(path, detail):
            return "\(path): the checkpoint is corrupted: its header is damaged (\(detail)); \(useAnother)."
        case let .corruptedSection(path, section, detail):
            return "\(path): the checkpoint is corrupted: section \"\(section)\" is damaged (\(detail)); \(useAnother)."
        case let .missingSection(path, section):
            return "\(path): the checkpoint has no section \"\(section)\"; it was written by an incompatible "
                + "actlm. \(useAnother.prefix(1).uppercased() + useAnother.dropFirst())."
        case let .malformedSection(path, section, detail):
            return "\(path): section \"\(section)\" does not decode (\(detail)); the file is intact, so it was "
                + "written by an incompatible actlm. \(useAnother.prefix(1).uppercased() + useAnother.dropFirst())."
        case let .invalidValue(path, section, field, detail):
            return "\(path): \(field) in section \"\(section)\" is impossible: \(detail). The file is intact (its "
                + "checksums pass), so it was written by something other than this actlm or altered after; it is "
                + "not used. \(useAnother.prefix(1).uppercased() + useAnother.dropFirst())."
        case let .sectionTooLarge(path, section, length, limit):
            return "\(path): section \"\(section)\" claims \(length) bytes, more than the \(limit) a model of the "
                + "checkpoint's settings has. The file is intact (its checksums pass), so it was written by something "
                + "other than this actlm or altered after; it is not used. "
                + "\(useAnother.prefix(1).uppercased() + useAnother.dropFirst())."
        case let .invalidSectionName(name):
            return "invalid checkpoint section name \"\(name)\": use 1 to \(CheckpointFile.maximumTagLength) "
                + "printable ASCII characters"
        case let .writeFailed(path, reason):
            return "\(path): could not write the checkpoint (\(reason)). The previous file at this path, if any, "
                + "is unchanged. Free disk space or check the folder's permissions."
        }
    }
}
