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
        XCTAssertEqual(classes(" é"), [.space, .wordStart, .wordInside])
    }

    func testBoundaryClassesExcludeLetters() {
        XCTAssertFalse(CharacterClass.wordBoundary.contains(.wordInside))
        XCTAssertFalse(CharacterClass.wordBoundary.contains(.wordStart))
        XCTAssertTrue(CharacterClass.wordBoundary.contains(.space))
    }
}
