/// What kind of character a byte is in its text, for ponder statistics: the paper's finding is that an
/// ACT-LSTM on Wikipedia ponders longest at spaces, word starts and sentence ends.
///
/// Bytes of 0x80 and above count as letters: in UTF-8 Wikipedia text they are mostly parts of accented
/// letters and non-Latin words.
public enum CharacterClass: Int, CaseIterable, Codable, Sendable {
    case space          // ' ' and tab
    case wordStart      // a letter after a non-letter
    case wordInside     // a letter after a letter
    case digit
    case punctuation    // , ; : ' " ( ) - and the like
    case sentenceEnd    // . ! ?
    case newline
    case markup         // < > [ ] { } | = & # * / \ ~ ^ _ @ (XML and wiki markup)
    case other          // control bytes

    /// The class of `current`, read after `previous` (use a newline for the first byte of a text).
    @inline(__always)
    public static func classify(previous: UInt8, current: UInt8) -> CharacterClass {
        if isLetter(current) { return isLetter(previous) ? .wordInside : .wordStart }
        return table[Int(current)]
    }

    /// The classes whose mean ponder, against `.wordInside`, measures "ponders more at word boundaries".
    public static let wordBoundary: [CharacterClass] = [.space, .punctuation, .sentenceEnd, .newline]

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
        }
    }

    /// A short machine-friendly key for JSON and TSV output.
    public var key: String {
        switch self {
        case .wordStart: return "word_start"
        case .wordInside: return "word_inside"
        case .sentenceEnd: return "sentence_end"
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
