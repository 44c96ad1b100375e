/// What kind of character a byte is in its text, for ponder statistics: the paper's finding is that an
/// ACT-LSTM on Wikipedia ponders longest at spaces, word starts and sentence ends.
///
/// Bytes of 0x80 and above count as letters: in UTF-8 Wikipedia text they are mostly parts of accented
/// letters and non-Latin words.
///
/// The word boundaries (`wordBoundary`) are where a word ends: a space or tab after text, punctuation, a
/// sentence end, a newline. A space or tab after a space, tab or newline continues a gap already marked
/// (indentation, aligned columns, padding) and is a gap space: not a boundary, counted with the other
/// bytes, and kept as a class of its own so what the model does in indentation stays visible.
/// Newlines, punctuation and sentence ends are boundaries wherever they stand.
///
/// The raw value is the column in `PonderStats`' tables (and in checkpoints): gap spaces came last.
public enum CharacterClass: Int, CaseIterable, Codable, Sendable {
    case space          // ' ' or tab after any byte but a space, tab or newline: a word boundary
    case wordStart      // a letter after a non-letter
    case wordInside     // a letter after a letter
    case digit
    case punctuation    // , ; : ' " ( ) - and the like
    case sentenceEnd    // . ! ?
    case newline
    case markup         // < > [ ] { } | = & # * / \ ~ ^ _ @ (XML and wiki markup)
    case other          // control bytes
    case gapSpace       // ' ' or tab after a space, tab or newline: not a word boundary

    /// The class of `current`, read after `previous` (use a newline for the first byte of a text).
    @inline(__always)
    public static func classify(previous: UInt8, current: UInt8) -> CharacterClass {
        if isLetter(current) { return isLetter(previous) ? .wordInside : .wordStart }
        let kind = table[Int(current)]
        if kind == .space, table[Int(previous)] == .space || table[Int(previous)] == .newline { return .gapSpace }
        return kind
    }

    /// The word boundaries: the positives of every boundary measure (`PonderSignalMetrics`) and the
    /// classes whose mean ponder, against `.wordInside`, measures "ponders more at word boundaries".
    public static let wordBoundary: [CharacterClass] = allCases.filter(\.isWordBoundary)

    /// Whether `current`, read after `previous`, is a word boundary.
    @inline(__always)
    public static func isWordBoundary(previous: UInt8, current: UInt8) -> Bool {
        classify(previous: previous, current: current).isWordBoundary
    }

    public var isWordBoundary: Bool {
        switch self {
        case .space, .punctuation, .sentenceEnd, .newline: return true
        case .wordStart, .wordInside, .digit, .markup, .other, .gapSpace: return false
        }
    }

    public var name: String {
        switch self {
        case .space: return "space"
        case .wordStart: return "word start"
        case .wordInside: return "inside word"
        case .digit: return "digit"
        case .punctuation: return "punctuation"
        case .sentenceEnd: return "sentence end"
        case .newline: return "newline"
        case .markup: return "markup"
        case .other: return "other"
        case .gapSpace: return "gap space"
        }
    }

    /// A short machine-friendly key for JSON and TSV output.
    public var key: String {
        switch self {
        case .wordStart: return "word_start"
        case .wordInside: return "word_inside"
        case .sentenceEnd: return "sentence_end"
        case .gapSpace: return "gap_space"
        default: return name
        }
    }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool {
        (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x80
    }

    /// Classes of non-letter bytes.
    private static let table: [CharacterClass] = (0..<256).map { value in
        let b = UInt8(value)
        switch b {
        case 0x20, 0x09: return .space
        case 0x0A, 0x0D: return .newline
        case 0x30...0x39: return .digit
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"): return .sentenceEnd
        case _ where "<>[]{}|=&#*/\\~^_@".utf8.contains(b): return .markup
        case 0x21...0x7E: return .punctuation
        default: return .other
        }
    }
}
