/// The kinds of word-boundary byte (`CharacterClass.wordBoundary`), told apart because a model ponders at
/// them differently. A space that ends a word is a boundary in the paper's sense; a space in a run of
/// whitespace (indentation, aligned columns, a blank line's padding) follows no word and comes in long,
/// predictable runs, so one detector score over all boundaries can hide what happens at the others.
public enum BoundaryKind: Int, CaseIterable, Sendable {
    case space           // a space or tab after a byte that is not whitespace
    case whitespaceRun   // a space or tab after a space, tab or newline
    case punctuation
    case sentenceEnd
    case newline

    /// The kind of `current` read after `previous` (a newline for a text's first byte); nil when the byte
    /// is not a word boundary.
    public static func of(previous: UInt8, current: UInt8) -> BoundaryKind? {
        switch CharacterClass.classify(previous: previous, current: current) {
        case .space:
            return [0x20, 0x09, 0x0A, 0x0D].contains(previous) ? .whitespaceRun : .space
        case .punctuation: return .punctuation
        case .sentenceEnd: return .sentenceEnd
        case .newline: return .newline
        case .wordStart, .wordInside, .digit, .markup, .other: return nil
        }
    }

    public var name: String {
        switch self {
        case .space: return "space after text"
        case .whitespaceRun: return "space in a run"
        case .punctuation: return "punctuation"
        case .sentenceEnd: return "sentence end"
        case .newline: return "newline"
        }
    }

    /// A short machine-friendly key for JSON.
    public var key: String {
        switch self {
        case .space: return "space"
        case .whitespaceRun: return "whitespace_run"
        case .punctuation: return "punctuation"
        case .sentenceEnd: return "sentence_end"
        case .newline: return "newline"
        }
    }
}
