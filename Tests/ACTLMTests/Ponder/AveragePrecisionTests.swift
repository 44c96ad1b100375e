import XCTest
import ACTLM

/// Average precision against values worked out by hand, step-wise over distinct thresholds as
/// scikit-learn's `average_precision_score` computes it.
final class AveragePrecisionTests: XCTestCase {
    private func ap(_ scores: [Float], _ labels: [Int]) -> Double? {
        AveragePrecision.of(scores: scores, positive: labels.map { $0 == 1 })
    }

    func testPerfectAndInverted() throws {
        XCTAssertEqual(ap([4, 3, 2, 1], [1, 1, 0, 0]), 1)
        // Inverted: the positives come last, at precision 1/3 then 2/4.
        XCTAssertEqual(try XCTUnwrap(ap([4, 3, 2, 1], [0, 0, 1, 1])), (1.0 / 3 + 2.0 / 4) / 2, accuracy: 1e-12)
    }

    /// scikit-learn's documented example: y_true [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8] → 0.83…
    /// (0.8 +: precision 1; 0.4 −; 0.35 +: precision 2/3; each half the recall).
    func testScikitLearnExample() throws {
        XCTAssertEqual(try XCTUnwrap(ap([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])), 5.0 / 6, accuracy: 1e-12)
    }

    /// Tied scores are one step, marked together: 0.8 holds one positive and one negative (precision
    /// 1/2 at recall 1/2), then 0.5 adds the other positive (2/3 at recall 1): (1/2 + 2/3) / 2. The order
    /// of the input does not matter.
    func testTiesAreOneStep() throws {
        let expected = (0.5 + 2.0 / 3) / 2
        XCTAssertEqual(try XCTUnwrap(ap([0.8, 0.8, 0.5, 0.3], [1, 0, 1, 0])), expected, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(ap([0.8, 0.8, 0.5, 0.3], [0, 1, 1, 0])), expected, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(ap([0.3, 0.5, 0.8, 0.8], [0, 1, 0, 1])), expected, accuracy: 1e-12)
        // One score for all: precision is the share of positives over the whole recall.
        XCTAssertEqual(ap([1, 1, 1, 1, 1], [1, 0, 0, 1, 0]), 0.4)
        // −0 and +0 are one score: 1 −, then both zeros (precision 1/3 at recall 1).
        XCTAssertEqual(ap([0, -0.0, 1], [1, 0, 0]), 1.0 / 3)
    }

    /// A small case by hand: 0.9 +, 0.8 −, 0.7 +, 0.6 −, 0.5 +: (1 + 2/3 + 3/5) / 3 = 0.755 5…
    func testHandWorked() throws {
        XCTAssertEqual(try XCTUnwrap(ap([0.6, 0.9, 0.5, 0.8, 0.7], [0, 1, 1, 0, 1])), 34.0 / 45, accuracy: 1e-12)
    }

    /// One class, no bytes or a NaN: undefined (nil, null in JSON), not 0 or 1.
    func testUndefined() {
        XCTAssertNil(ap([1, 2, 3], [0, 0, 0]))
        XCTAssertNil(ap([1, 2, 3], [1, 1, 1]))
        XCTAssertNil(ap([], []))
        XCTAssertNil(ap([1, .nan, 3], [1, 0, 0]))
    }

    /// Against a plain second implementation on random scores with many ties: for every distinct
    /// threshold, count what scores at least that much.
    func testAgreesWithThresholdSweep() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let n = Int.random(in: 2...300, using: &random)
            let scores = (0..<n).map { _ in Float(Int.random(in: 0..<12, using: &random)) / 4 }
            var labels = (0..<n).map { _ in Bool.random(using: &random) }
            labels[0] = true
            labels[1] = false
            let positives = Double(labels.filter { $0 }.count)
            var expected = 0.0, previousRecall = 0.0
            for threshold in Set(scores).sorted(by: >) {
                let marked = scores.indices.filter { scores[$0] >= threshold }
                let hits = Double(marked.filter { labels[$0] }.count)
                expected += (hits / positives - previousRecall) * hits / Double(marked.count)
                previousRecall = hits / positives
            }
            XCTAssertEqual(try XCTUnwrap(AveragePrecision.of(scores: scores, positive: labels)), expected, accuracy: 1e-12)
        }
    }
}
