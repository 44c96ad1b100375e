import XCTest
@testable import ACTLM

/// The collective helpers, on a stand-in for two ranks: this one and a peer whose values are given.
final class CommunicatorTests: XCTestCase {
    /// Rank 0 of two; the peer holds `peer` for a maximum and the same values as this rank for a sum.
    private final class TwoRanks: Communicator {
        var peer: [Int64] = []
        var rank: Int { 0 }
        var size: Int { 2 }
        func sum(_ values: UnsafeMutableBufferPointer<Float>) throws { for i in values.indices { values[i] *= 2 } }
        func sum(_ values: UnsafeMutableBufferPointer<Double>) throws { for i in values.indices { values[i] *= 2 } }
        func maximum(_ values: UnsafeMutableBufferPointer<Int64>) {
            for i in values.indices { values[i] = max(values[i], peer[i]) }
        }
        func broadcast(_ bytes: UnsafeMutableRawBufferPointer) {}
        func gather(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? { Array(bytes) + Array(bytes) }
        func abort(status: Int32) -> Never { fatalError("abort \(status)") }
        func finish() {}
    }

    func testTheChecksumsMustAgree() {
        let ranks = TwoRanks()
        let mine: UInt64 = 0xDEAD_BEEF_0123_4567
        func peer(_ value: UInt64) -> [Int64] {
            let high = Int64(value >> 32), low = Int64(value & 0xFFFF_FFFF)
            return [high, low, -high, -low]
        }
        ranks.peer = peer(mine)
        XCTAssertTrue(ranks.allAgree(on: mine))
        for other in [mine + 1, mine - 1, mine ^ (1 << 40), mine ^ (1 << 63)] {
            ranks.peer = peer(other)
            XCTAssertFalse(ranks.allAgree(on: mine), String(other, radix: 16))
        }
    }

    func testAllStopForTheMostPressingReason() {
        let ranks = TwoRanks()
        ranks.peer = [0]
        XCTAssertNil(ranks.agree(on: nil))
        XCTAssertEqual(ranks.agree(on: .minutes), .minutes)
        ranks.peer = [5]   // the peer received a signal
        XCTAssertEqual(ranks.agree(on: nil), .signal)
        XCTAssertEqual(ranks.agree(on: .steps), .signal)
    }

    /// Two ranks that saw the same bytes merge into statistics of twice as many.
    func testValidationSumsLossAndPonderStatistics() throws {
        var stats = PonderStats(layers: 2, maxPonder: 3)
        let inputs = Array("the cat. A dog\n".utf8)
        for layer in 0..<2 {
            stats.record(layer: layer, inputs: inputs, previous: [10], rho: inputs.map { Float($0 % 3) + 1.5 },
                         steps: inputs.map { Int32($0 % 3) + 1 })
        }
        var loss = WindowLoss(layers: 2)
        loss.taskNats = 12.5
        loss.count = inputs.count
        loss.ponder = [20, 30]
        var merged = stats
        merged.merge(stats)
        let original = loss
        try TwoRanks().sum(&loss, &stats)
        XCTAssertEqual(stats, merged)
        XCTAssertEqual(loss.taskNats, 2 * original.taskNats)
        XCTAssertEqual(loss.count, 2 * original.count)
        XCTAssertEqual(loss.ponder, [40, 60])
    }
}
