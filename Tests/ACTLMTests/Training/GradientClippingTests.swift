import XCTest
import ACTLM

final class GradientClippingTests: XCTestCase {
    func testNormAndClipping() {
        var g: [Float] = [3, 4, 0, 0, 0]   // ‖g‖ = 5
        let result = GradientClipping.clip(&g, maxNorm: 1)
        XCTAssertEqual(result.norm, 5)
        XCTAssertTrue(result.clipped)
        XCTAssertTrue(result.isFinite)
        XCTAssertEqual(g[0], 0.6, accuracy: 1e-7)
        XCTAssertEqual(g[1], 0.8, accuracy: 1e-7)
        XCTAssertEqual(g.withUnsafeBufferPointer { GradientClipping.globalNorm($0) }, 1, accuracy: 1e-6)
    }

    func testSmallGradientsAreLeftAlone() {
        var g: [Float] = [0.3, -0.4]
        let result = GradientClipping.clip(&g, maxNorm: 1)
        XCTAssertEqual(result.norm, 0.5, accuracy: 1e-7)
        XCTAssertFalse(result.clipped)
        XCTAssertEqual(g, [0.3, -0.4])
        XCTAssertFalse(GradientClipping.clip(&g, maxNorm: 0).clipped, "0 disables clipping")
        XCTAssertEqual(g, [0.3, -0.4])
    }

    func testLongBuffersWithTails() {
        for count in [0, 1, 3, 4, 7, 1001] {
            var g = (0..<count).map { Float($0 % 5) - 2 }
            let expected = g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(g.withUnsafeBufferPointer { GradientClipping.globalNorm($0) }, expected, accuracy: 1e-9)
            GradientClipping.clip(&g, maxNorm: 2)
            XCTAssertLessThanOrEqual(g.withUnsafeBufferPointer { GradientClipping.globalNorm($0) }, 2.000001)
        }
    }

    func testHugeButFiniteGradientsDoNotOverflow() {
        var g: [Float] = [3e30, 4e30]   // squares overflow Float, not Double
        let result = GradientClipping.clip(&g, maxNorm: 5)
        XCTAssertTrue(result.isFinite)
        XCTAssertEqual(result.norm, 5e30, accuracy: 1e24)
        XCTAssertEqual(g[0], 3, accuracy: 1e-5)
    }

    func testNonFiniteGradientsAreReportedAndUntouched() {
        for bad in [Float.nan, .infinity, -.infinity] {
            var g: [Float] = [1, bad, 2]
            let result = GradientClipping.clip(&g, maxNorm: 1)
            XCTAssertFalse(result.isFinite)
            XCTAssertFalse(result.clipped)
            XCTAssertEqual(g[0], 1)
            XCTAssertEqual(g[2], 2)
        }
    }
}
