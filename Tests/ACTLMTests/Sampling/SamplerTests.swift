import Foundation
import XCTest
import ACTLM

final class SamplerTests: XCTestCase {
    private func randomLogits(_ random: inout RandomSource, spread: Float = 4) -> [Float] {
        (0..<256).map { _ in Float(random.nextGaussian()) * spread }
    }

    private func draw(_ sampler: Sampler, _ logits: [Float], times: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        logits.withUnsafeBufferPointer { l in
            for _ in 0..<times { counts[Int(sampler.next(logits: l))] += 1 }
        }
        return counts
    }

    private func softmax(_ logits: [Float], temperature: Double) -> [Double] {
        let m = Double(logits.max()!)
        let e = logits.map { exp((Double($0) - m) / temperature) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    func testSameSeedSameBytesAndOtherSeedOtherBytes() throws {
        var source = RandomSource(seed: 1)
        let steps = (0..<500).map { _ in randomLogits(&source, spread: 1.5) }
        func run(seed: UInt64) throws -> [UInt8] {
            let sampler = try Sampler(temperature: 0.9, topK: 40, seed: seed)
            return steps.map { l in l.withUnsafeBufferPointer { sampler.next(logits: $0) } }
        }
        XCTAssertEqual(try run(seed: 11), try run(seed: 11))
        XCTAssertNotEqual(try run(seed: 11), try run(seed: 12))
    }

    func testGreedyPicksTheLargestLogitAndTheLowestByteAmongTies() throws {
        var source = RandomSource(seed: 2)
        for temperature: Float in [0, 1e-7] {
            let sampler = try Sampler(temperature: temperature, seed: 3)
            for _ in 0..<50 {
                let logits = randomLogits(&source)
                let best = logits.indices.max { logits[$0] < logits[$1] }!
                XCTAssertEqual(Int(logits.withUnsafeBufferPointer { sampler.next(logits: $0) }), best)
            }
            var tied = [Float](repeating: 0, count: 256)
            tied[200] = 5
            tied[90] = 5
            XCTAssertEqual(tied.withUnsafeBufferPointer { sampler.next(logits: $0) }, 90)
        }
    }

    func testTopKNeverLeavesTheKLargestAndReachesAllOfThem() throws {
        var source = RandomSource(seed: 4)
        for k in [1, 5, 17] {
            // A flat-ish distribution so the cut, not the softmax, decides what can be drawn.
            let logits = randomLogits(&source, spread: 0.3)
            let allowed = Set(logits.indices.sorted { logits[$0] > logits[$1] }.prefix(k))
            let counts = draw(try Sampler(temperature: 2, topK: k, seed: UInt64(k)), logits, times: 4000)
            let drawn = Set(counts.indices.filter { counts[$0] > 0 })
            XCTAssertTrue(drawn.isSubset(of: allowed), "k = \(k): drew \(drawn.subtracting(allowed))")
            XCTAssertEqual(drawn, allowed, "k = \(k): every one of the k largest should come up in 4000 draws")
        }
    }

    func testTopKWithTiesKeepsExactlyK() throws {
        var logits = [Float](repeating: -3, count: 256)
        for i in [10, 20, 30, 40] { logits[i] = 1 }   // four tied at the top, k = 2 keeps bytes 10 and 20
        let counts = draw(try Sampler(temperature: 1, topK: 2, seed: 5), logits, times: 2000)
        XCTAssertEqual(Set(counts.indices.filter { counts[$0] > 0 }), [10, 20])
    }

    /// Frequencies follow softmax(logits / T): within 4.5 standard errors at T = 0.5, 1 and 2, which
    /// also tells the three apart (their probabilities of the top byte differ by far more).
    func testTemperatureSharpensAndFlattensAsTheSoftmaxSays() throws {
        var logits = [Float](repeating: -30, count: 256)
        logits[65] = 2
        logits[66] = 1
        logits[67] = 0.5
        logits[68] = 0
        let draws = 20_000
        var topShare: [Double] = []
        for temperature: Float in [0.5, 1, 2] {
            let counts = draw(try Sampler(temperature: temperature, seed: 99), logits, times: draws)
            let p = softmax(logits, temperature: Double(temperature))
            for i in 65...68 {
                let sigma = (p[i] * (1 - p[i]) / Double(draws)).squareRoot()
                XCTAssertEqual(Double(counts[i]) / Double(draws), p[i], accuracy: 4.5 * sigma,
                               "byte \(i) at T = \(temperature)")
            }
            XCTAssertEqual(counts[65...68].reduce(0, +), draws, "nothing outside the four plausible bytes")
            topShare.append(Double(counts[65]) / Double(draws))
        }
        XCTAssertGreaterThan(topShare[0], topShare[1] + 0.1)
        XCTAssertGreaterThan(topShare[1], topShare[2] + 0.1)
    }

    func testHugeLogitsStayStable() throws {
        var logits = [Float](repeating: -1e30, count: 256)
        logits[7] = 1e30
        logits[8] = 1e30 - 1e24
        let counts = draw(try Sampler(temperature: 1, seed: 6), logits, times: 200)
        XCTAssertEqual(counts[7] + counts[8], 200)
    }

    func testBadSettingsAreRejectedWithAReason() {
        for t: Float in [-1, .nan, .infinity] {
            XCTAssertThrowsError(try Sampler(temperature: t, seed: 1)) { error in
                XCTAssertTrue("\(error)".contains("temperature"), "\(error)")
            }
        }
        for k in [-1, 257] {
            XCTAssertThrowsError(try Sampler(topK: k, seed: 1)) { error in
                XCTAssertTrue("\(error)".contains("top-k \(k)") && "\(error)".contains("256"), "\(error)")
            }
        }
    }
}
