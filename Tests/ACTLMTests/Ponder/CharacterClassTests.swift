import XCTest
import ACTLM

final class CharacterClassTests: XCTestCase {
    private func classes(_ text: String) -> [CharacterClass] {
        var previous = UInt8(ascii: "\n")
        return text.utf8.map { byte in
            defer { previous = byte }
            return CharacterClass.classify(previous: previous, current: byte)
        }
    }

    func testWordsSpacesAndSentences() {
        XCTAssertEqual(classes("An ox. 42"),
                       [.wordStart, .wordInside, .space, .wordStart, .wordInside, .sentenceEnd, .space,
                        .digit, .digit])
    }

    func testMarkupPunctuationAndNewlines() {
        XCTAssertEqual(classes("<a>[[b]], c\n"),
                       [.markup, .wordStart, .markup, .markup, .markup, .wordStart, .markup, .markup,
                        .punctuation, .space, .wordStart, .newline])
    }

    func testUTF8BytesAreLetters() {
        // "é" is two bytes; the second continues the word.
        XCTAssertEqual(classes("a é"), [.wordStart, .space, .wordStart, .wordInside])
    }

    /// Indentation, a blank line, a line of whitespace, aligned columns and CR LF, every byte's class: a
    /// space or tab after a space, tab or newline is a gap space; one after anything else (a word, '=',
    /// '.') is a word boundary; newlines, punctuation and sentence ends are boundaries wherever they stand.
    func testGapSpacesInIndentationBlankLinesAndColumns() {
        let text = "if x:\n  y = 1\n\n \t\nab  cd\tef\nx.  Y\r\n z"
        let expected: [CharacterClass] = [
            .wordStart, .wordInside, .space, .wordStart, .punctuation, .newline,             // "if x:\n"
            .gapSpace, .gapSpace, .wordStart, .space, .markup, .space, .digit, .newline,     // "  y = 1\n"
            .newline,                                                                        // "\n"
            .gapSpace, .gapSpace, .newline,                                                  // " \t\n"
            .wordStart, .wordInside, .space, .gapSpace, .wordStart, .wordInside, .space,     // "ab  cd\t"
            .wordStart, .wordInside, .newline,                                               // "ef\n"
            .wordStart, .sentenceEnd, .space, .gapSpace, .wordStart, .newline, .newline,     // "x.  Y\r\n"
            .gapSpace, .wordStart,                                                           // " z"
        ]
        XCTAssertEqual(classes(text), expected)
        // The first byte of a text follows a newline: a leading space is a gap space.
        XCTAssertEqual(classes("  a"), [.gapSpace, .gapSpace, .wordStart])
        let boundaries = zip(text.utf8, expected).filter { $0.1.isWordBoundary }.map { Character(UnicodeScalar($0.0)) }
        XCTAssertEqual(String(boundaries), " :\n  \n\n\n \t\n. \r\n")
    }

    func testBoundaryClassesExcludeLetters() {
        XCTAssertFalse(CharacterClass.wordBoundary.contains(.wordInside))
        XCTAssertFalse(CharacterClass.wordBoundary.contains(.wordStart))
        XCTAssertTrue(CharacterClass.wordBoundary.contains(.space))
        XCTAssertFalse(CharacterClass.wordBoundary.contains(.gapSpace))
        XCTAssertEqual(CharacterClass.wordBoundary, [.space, .punctuation, .sentenceEnd, .newline])
    }
}
