import XCTest
import ACTLM

/// Precision, recall and F1 where a score marks its top k bytes, ties at the cut by position.
final class TopKOperatingPointTests: XCTestCase {
    private func point(_ scores: [Float], _ labels: [Int], k: Int? = nil) -> TopKOperatingPoint? {
        let positive = labels.map { $0 == 1 }
        if let k { return TopKOperatingPoint(scores: scores, positive: positive, k: k) }
        return TopKOperatingPoint.atPositiveCount(scores: scores, positive: positive)
    }

    func testPerfectAndInverted() throws {
        let perfect = try XCTUnwrap(point([0.1, 0.9, 0.8, 0.2], [0, 1, 1, 0]))
        XCTAssertEqual([perfect.precision, perfect.recall, perfect.f1], [1, 1, 1])
        XCTAssertEqual(perfect.marked, 2)
        let inverted = try XCTUnwrap(point([0.9, 0.1, 0.2, 0.8], [0, 1, 1, 0]))
        XCTAssertEqual([inverted.precision, inverted.recall, inverted.f1], [0, 0, 0])
    }

    /// At k = the number of positives every false mark is a missed positive: precision = recall = F1.
    func testAtThePositiveCountAllThreeAgree() throws {
        let p = try XCTUnwrap(point([5, 4, 3, 2, 1, 0], [1, 0, 1, 0, 0, 1]))
        XCTAssertEqual(p.marked, 3)
        XCTAssertEqual(p.truePositives, 2)
        XCTAssertEqual(p.precision, 2.0 / 3)
        XCTAssertEqual(p.recall, 2.0 / 3)
        XCTAssertEqual(p.f1, 2.0 / 3, accuracy: 1e-15)
    }

    /// Ties at the cut go to the earliest bytes: the same scores with the positive first or last.
    func testTiesByPositionEarliestFirst() throws {
        XCTAssertEqual(try XCTUnwrap(point([1, 1, 1, 0], [1, 0, 0, 0])).f1, 1)
        XCTAssertEqual(try XCTUnwrap(point([1, 1, 1, 0], [0, 0, 1, 0])).f1, 0)
        // Above the cut ties do not matter: the two 2s are both marked.
        XCTAssertEqual(try XCTUnwrap(point([2, 0, 2, 1, 1], [0, 0, 1, 1, 0])).truePositives, 1)
        XCTAssertEqual(try XCTUnwrap(point([2, 0, 2, 1, 1], [0, 0, 1, 1, 0], k: 3)).truePositives, 2)
    }

    /// Another k: precision and recall differ and F1 is their harmonic mean.
    func testOtherK() throws {
        let p = try XCTUnwrap(point([5, 4, 3, 2, 1, 0], [1, 0, 1, 0, 0, 1], k: 4))
        XCTAssertEqual(p.precision, 0.5)
        XCTAssertEqual(p.recall, 2.0 / 3)
        XCTAssertEqual(p.f1, 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), accuracy: 1e-15)
    }

    /// One class or a NaN: undefined (nil, null in JSON).
    func testUndefined() {
        XCTAssertNil(point([1, 2, 3], [0, 0, 0]))
        XCTAssertNil(point([1, 2, 3], [1, 1, 1]))
        XCTAssertNil(point([1, .nan, 3], [1, 0, 0]))
    }
}
