import XCTest
import ACTLM

/// The AUC on inputs whose area is known, and against the definition counted pair by pair.
final class ROCAUCTests: XCTestCase {
    func testPerfectInvertedAndAllTied() {
        let labels = [false, false, false, true, true]
        XCTAssertEqual(ROCAUC.area(scores: [0.1, 0.2, 0.3, 0.9, 1.0], positive: labels), 1)
        XCTAssertEqual(ROCAUC.area(scores: [1.0, 0.9, 0.8, 0.2, 0.1], positive: labels), 0)
        XCTAssertEqual(ROCAUC.area(scores: [2, 2, 2, 2, 2], positive: labels), 0.5)
        // Order, not position: the labels shuffled with their scores.
        XCTAssertEqual(ROCAUC.area(scores: [0.9, 0.1, 1.0, 0.3, 0.2], positive: [true, false, true, false, false]), 1)
    }

    /// Positives {2, 3} against negatives {1, 2}: 2>1, 2=2 (half), 3>1, 3>2, so 3.5 of 4 pairs.
    func testTiesCountHalf() {
        XCTAssertEqual(ROCAUC.area(scores: [1, 2, 2, 3], positive: [false, true, false, true]), 0.875)
        XCTAssertEqual(ROCAUC.area(scores: [-0.0, 0.0], positive: [true, false]), 0.5, "−0 and +0 are equal")
        XCTAssertEqual(ROCAUC.area(scores: [-2, -1, 0.5, -.infinity], positive: [false, true, true, false]), 1)
        XCTAssertEqual(ROCAUC.area(scores: [-1, -2, .infinity], positive: [true, false, false]), 0.5)
    }

    func testUndefinedWithoutBothClasses() {
        XCTAssertNil(ROCAUC.area(scores: [1, 2, 3], positive: [true, true, true]))
        XCTAssertNil(ROCAUC.area(scores: [1, 2, 3], positive: [false, false, false]))
        XCTAssertNil(ROCAUC.area(scores: [], positive: []))
        XCTAssertNil(ROCAUC.area(scores: [1, .nan], positive: [true, false]))
    }

    /// Random scores with many ties, against every positive–negative pair compared one by one.
    func testMatchesThePairCount() {
        var random = RandomSource(seed: 7)
        for trial in 0..<20 {
            let n = 1 + trial * 37
            let scores = (0..<n).map { _ in Float(Int.random(in: -4...6, using: &random)) / 2 }
            let labels = (0..<n).map { i in Bool.random(using: &random) || scores[i] > 2 }
            var twice = 0, pairs = 0
            for i in 0..<n where labels[i] {
                for j in 0..<n where !labels[j] {
                    pairs += 1
                    twice += scores[i] > scores[j] ? 2 : scores[i] == scores[j] ? 1 : 0
                }
            }
            let area = ROCAUC.area(scores: scores, positive: labels)
            if pairs == 0 {
                XCTAssertNil(area)
            } else {
                XCTAssertEqual(try XCTUnwrap(area), Double(twice) / Double(2 * pairs), accuracy: 1e-12)
            }
        }
    }
}
