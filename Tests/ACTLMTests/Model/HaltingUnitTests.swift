import Foundation
import XCTest
import ACTLM

/// The halting unit alone, for every input it can read: η against the formula, and every gradient of
/// L = Σ_j λ_j·η_j against central finite differences in Double.
final class HaltingUnitTests: XCTestCase {
    let k = 3, H = 4

    struct Rows {
        var h: [Double], c: [Double], w: [Double], bias: Double
        var tanhC: [Double] { c.map { tanh($0) } }
    }

    /// Runs `body` with the unit of `x`'s weights and its rows (η as `eta` holds it).
    func withUnit<R>(_ x: Rows, _ input: HaltingInput, eta: inout [Double],
                     _ body: (HaltingUnit<Double>, HaltingUnit<Double>.Rows) -> R) -> R {
        let bias = [x.bias], tanhC = x.tanhC
        return x.w.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                x.h.withUnsafeBufferPointer { h in
                    x.c.withUnsafeBufferPointer { c in
                        tanhC.withUnsafeBufferPointer { tc in
                            eta.withUnsafeMutableBufferPointer { e in
                                let unit = HaltingUnit(input: input, hidden: H, weights: w.baseAddress!,
                                                       bias: b.baseAddress!)
                                return body(unit,
                                            HaltingUnit.Rows(count: k, h: h.baseAddress!, c: c.baseAddress!,
                                                             tanhC: tc.baseAddress!, eta: e.baseAddress!))
                            }
                        }
                    }
                }
            }
        }
    }

    func eta(_ x: Rows, _ input: HaltingInput) -> [Double] {
        var eta = [Double](repeating: 0, count: k)
        withUnit(x, input, eta: &eta) { unit, rows in unit.forward(rows) }
        return eta
    }

    func testForwardIsTheSigmoidOfTheWeightedInput() {
        var random = RandomSource(seed: 5)
        for input in HaltingInput.allCases {
            let x = rows(input, &random)
            let got = eta(x, input)
            for j in 0..<k {
                let h = Array(x.h[j * H..<(j + 1) * H]), c = Array(x.c[j * H..<(j + 1) * H])
                let read: [Double]
                switch input {
                case .hiddenAndCell: read = h + c
                case .hidden: read = h
                case .hiddenAndTanhCell: read = h + c.map { tanh($0) }
                }
                XCTAssertEqual(read.count, input.weightCount(hidden: H))
                let z = zip(read, x.w).reduce(x.bias) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(got[j], 1 / (1 + exp(-z)), accuracy: 1e-14, "\(input) row \(j)")
            }
        }
    }

    func testBackwardMatchesFiniteDifferences() {
        var random = RandomSource(seed: 9)
        for input in HaltingInput.allCases {
            let x = rows(input, &random)
            // λ = 0 on the last row: a halted row, which backward skips, must get no gradient.
            let λ = [0.7, -1.3, 0]
            func loss(_ x: Rows) -> Double { zip(λ, eta(x, input)).reduce(0) { $0 + $1.0 * $1.1 } }

            var dh = [Double](repeating: 0, count: k * H), dc = dh
            var dw = [Double](repeating: 0, count: x.w.count), dBias = 0.0
            var η = eta(x, input)
            withUnit(x, input, eta: &η) { unit, rows in
                unit.backward(gWeights: &dw, gBias: &dBias, rows, dEta: λ, dh: &dh, dc: &dc)
            }

            func numeric(_ change: (inout Rows, Double) -> Void) -> Double {
                let step = 1e-6
                var plus = x, minus = x
                change(&plus, step)
                change(&minus, -step)
                return (loss(plus) - loss(minus)) / (2 * step)
            }
            func check(_ analytic: Double, _ numeric: Double, _ what: String) {
                XCTAssertEqual(analytic, numeric, accuracy: 1e-8 + 1e-6 * abs(numeric), "\(input) \(what)")
            }
            for i in 0..<(k * H) {
                check(dh[i], numeric { $0.h[i] += $1 }, "dh[\(i)]")
                check(dc[i], numeric { $0.c[i] += $1 }, "dc[\(i)]")
            }
            for i in x.w.indices { check(dw[i], numeric { $0.w[i] += $1 }, "dw[\(i)]") }
            check(dBias, numeric { $0.bias += $1 }, "dBias")
            XCTAssertNotEqual(dBias, 0, "the check must see a gradient")
            XCTAssertEqual(dh[(k - 1) * H..<k * H].allSatisfy { $0 == 0 }, true, "\(input): the halted row")
            if input == .hidden { XCTAssertTrue(dc.allSatisfy { $0 == 0 }, "h only: nothing reaches c") }
        }
    }

    private func rows(_ input: HaltingInput, _ random: inout RandomSource) -> Rows {
        func gaussians(_ n: Int) -> [Double] { (0..<n).map { _ in random.nextGaussian() } }
        return Rows(h: gaussians(k * H), c: gaussians(k * H).map { 2 * $0 },
                    w: gaussians(input.weightCount(hidden: H)), bias: 0.3 * random.nextGaussian())
    }
}
