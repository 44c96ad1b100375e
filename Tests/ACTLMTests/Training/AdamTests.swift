import XCTest
import ACTLM

final class AdamTests: XCTestCase {
    /// β1 = 1/2 and β2 = 3/4 keep the arithmetic exact by hand.
    ///
    /// step 1, g = (1/2, −1):  m = (1/4, −1/2)  v = (1/16, 1/4)  m̂ = m/(1/2) = (1/2, −1)  v̂ = v/(1/4) = (1/4, 1)
    ///                         m̂/√v̂ = (1, −1)   θ = (1, −2) − 0.1·(1, −1) = (0.9, −1.9)
    /// step 2, g = (1/4, 1/2): m = (1/4, 0)     v = (1/16, 1/4)  m̂ = m/(3/4) = (1/3, 0)   v̂ = v/(7/16) = (1/7, 4/7)
    ///                         m̂/√v̂ = (√7/3, 0) θ = (0.9 − 0.1·√7/3, −1.9)
    func testTwoStepsByHand() {
        var adam = Adam(parameterCount: 2, beta1: 0.5, beta2: 0.75)
        var theta: [Float] = [1, -2]
        adam.update(parameters: &theta, gradients: [0.5, -1], learningRate: 0.1)
        XCTAssertEqual(adam.step, 1)
        XCTAssertEqual(adam.m, [0.25, -0.5])
        XCTAssertEqual(adam.v, [0.0625, 0.25])
        XCTAssertEqual(theta[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(theta[1], -1.9, accuracy: 1e-6)

        adam.update(parameters: &theta, gradients: [0.25, 0.5], learningRate: 0.1)
        XCTAssertEqual(adam.step, 2)
        XCTAssertEqual(adam.m, [0.25, 0])
        XCTAssertEqual(adam.v, [0.0625, 0.25])
        XCTAssertEqual(theta[0], Float(0.9 - 0.1 * 7.0.squareRoot() / 3), accuracy: 1e-6)
        XCTAssertEqual(theta[1], -1.9, accuracy: 1e-6)
    }

    /// A scaled part takes proportionally smaller steps and a frozen one none; the moments of both are
    /// updated as for the rest, so a part unfrozen later starts from well-estimated moments.
    func testScaledAndFrozenParts() {
        var plain = Adam(parameterCount: 6)
        var scaled = Adam(parameterCount: 6)
        let start: [Float] = [1, -2, 3, 0.5, -1, 2]
        var a = start, b = start
        for step in 0..<3 {
            let g: [Float] = (0..<6).map { Float($0 + 1) * (step % 2 == 0 ? 0.3 : -0.2) }
            plain.update(parameters: &a, gradients: g, learningRate: 0.1)
            scaled.update(parameters: &b, gradients: g, learningRate: 0.1,
                          scaled: [Adam.RateScale(4..<6, 0), Adam.RateScale(1..<3, 0.25)])
        }
        XCTAssertEqual(plain.m, scaled.m)
        XCTAssertEqual(plain.v, scaled.v)
        for i in [0, 3] { XCTAssertEqual(b[i], a[i]) }
        for i in 1..<3 { XCTAssertEqual(b[i] - start[i], 0.25 * (a[i] - start[i]), accuracy: 1e-6) }
        for i in 4..<6 { XCTAssertEqual(b[i], start[i]) }
    }

    /// Shared out between threads, with scaled and frozen parts that straddle the shares, the update is
    /// the same to the bit as on one thread.
    func testThreadsGiveTheSameBits() {
        let count = 3 * (1 << 16) + 7
        var generator = RandomSource(seed: 11)
        let start = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        var one = Adam(parameterCount: count, weightDecay: 0.01), two = one, three = one
        var a = start, b = start, c = start
        let scales = [Adam.RateScale(1000..<(count / 2 + 99), 0.25), Adam.RateScale((count - 5)..<count, 0)]
        for step in 0..<3 {
            let g = (0..<count).map { Float(($0 * 7 + step * 13) % 101 - 50) / 50 }
            one.update(parameters: &a, gradients: g, learningRate: 0.01, scaled: scales)
            two.update(parameters: &b, gradients: g, learningRate: 0.01, scaled: scales, threads: 2)
            three.update(parameters: &c, gradients: g, learningRate: 0.01, scaled: scales, threads: 3)
        }
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, c)
        XCTAssertEqual(one, two)
        XCTAssertEqual(one, three)
        XCTAssertNotEqual(a, start)
        XCTAssertEqual(a[count - 1], start[count - 1], "the frozen part stays")
    }

    /// Decoupled weight decay: θ ← θ − lr·(m̂/√v̂ + λθ) = (1, −2) − 0.1·((1, −1) + 0.1·(1, −2)) = (0.89, −1.88).
    func testDecoupledWeightDecayByHand() {
        var adam = Adam(parameterCount: 2, beta1: 0.5, beta2: 0.75, weightDecay: 0.1)
        var theta: [Float] = [1, -2]
        adam.update(parameters: &theta, gradients: [0.5, -1], learningRate: 0.1)
        XCTAssertEqual(theta[0], 0.89, accuracy: 1e-6)
        XCTAssertEqual(theta[1], -1.88, accuracy: 1e-6)
    }

    /// The vectorised loop against a plain Double transcription of the formulas, over an odd length
    /// (so any vector tail is exercised) and many steps.
    func testMatchesAPlainImplementation() {
        let count = 1003
        var random = RandomSource(seed: 11)
        var theta = (0..<count).map { _ in Float(random.nextGaussian()) }
        var reference = theta.map(Double.init)
        var m = [Double](repeating: 0, count: count), v = m
        var adam = Adam(parameterCount: count, weightDecay: 0.01)
        for t in 1...20 {
            let g = (0..<count).map { _ in Float(random.nextGaussian() * 0.1) }
            let lr = 0.01 / Double(t)
            adam.update(parameters: &theta, gradients: g, learningRate: Float(lr))
            for i in 0..<count {
                let gi = Double(g[i])
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(t))), vHat = v[i] / (1 - pow(0.999, Double(t)))
                reference[i] -= lr * (mHat / (vHat.squareRoot() + 1e-8) + 0.01 * reference[i])
            }
        }
        let worst = zip(theta, reference).map { abs(Double($0) - $1) }.max()!
        XCTAssertLessThan(worst, 1e-5)
    }

    func testEncodingRoundTripContinuesIdentically() throws {
        var adam = Adam(parameterCount: 5, beta1: 0.8, weightDecay: 0.5)
        var theta: [Float] = [1, 2, 3, 4, 5]
        adam.update(parameters: &theta, gradients: [0.1, -0.2, 0.3, 0, 1], learningRate: 0.01)
        var writer = ByteWriter()
        adam.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        var restored = try Adam(from: &reader)
        try reader.expectEnd()
        XCTAssertEqual(restored, adam)

        var thetaA = theta, thetaB = theta
        adam.update(parameters: &thetaA, gradients: [1, 1, 1, 1, 1], learningRate: 0.01)
        restored.update(parameters: &thetaB, gradients: [1, 1, 1, 1, 1], learningRate: 0.01)
        XCTAssertEqual(thetaA, thetaB)

        var short = ByteReader(Array(writer.bytes.dropLast(3)))
        XCTAssertThrowsError(try Adam(from: &short))
    }
}
