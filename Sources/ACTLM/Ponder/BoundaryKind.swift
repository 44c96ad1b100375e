/// The kinds of word-boundary byte (`CharacterClass.wordBoundary`), told apart because a model ponders at
/// them differently, and beside them the gap spaces (a space or tab after a space, tab or newline:
/// indentation, aligned columns), which are not boundaries but whose row shows what the model does in
/// indentation.
public enum BoundaryKind: Int, CaseIterable, Sendable {
    case space           // a space or tab that ends a word
    case gapSpace        // a space or tab that continues a gap: not a word boundary
    case punctuation
    case sentenceEnd
    case newline

    /// The kind of `current` read after `previous` (a newline for a text's first byte); nil when the byte
    /// is neither a word boundary nor a gap space.
    public static func of(previous: UInt8, current: UInt8) -> BoundaryKind? {
        switch CharacterClass.classify(previous: previous, current: current) {
        case .space: return .space
        case .gapSpace: return .gapSpace
        case .punctuation: return .punctuation
        case .sentenceEnd: return .sentenceEnd
        case .newline: return .newline
        case .wordStart, .wordInside, .digit, .markup, .other: return nil
        }
    }

    /// False for gap spaces only.
    public var isWordBoundary: Bool { self != .gapSpace }

    public var name: String {
        switch self {
        case .space: return "space after text"
        case .gapSpace: return "gap space"
        case .punctuation: return "punctuation"
        case .sentenceEnd: return "sentence end"
        case .newline: return "newline"
        }
    }

    /// A short machine-friendly key for JSON.
    public var key: String {
        switch self {
        case .space: return "space"
        case .gapSpace: return "gap_space"
        case .punctuation: return "punctuation"
        case .sentenceEnd: return "sentence_end"
        case .newline: return "newline"
        }
    }
}
