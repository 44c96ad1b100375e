import XCTest
import ACTLM

/// A rank's share of the streams and of the carried state [L, 2, B, H].
final class StreamShareTests: XCTestCase {
    func testRanksTakeConsecutiveStreams() throws {
        XCTAssertEqual(try (0..<3).map { try StreamShare(batch: 12, rank: $0, ranks: 3).streams }, [0..<4, 4..<8, 8..<12])
        XCTAssertEqual(try StreamShare(batch: 5, rank: 0, ranks: 1).streams, 0..<5)
        XCTAssertThrowsError(try StreamShare(batch: 10, rank: 0, ranks: 4)) { error in
            XCTAssertEqual(error as? DataParallelError, .batchNotDivisible(batch: 10, ranks: 4))
            XCTAssertTrue("\(error)".contains("--batch 10 cannot be shared by 4 processes"), "\(error)")
        }
    }

    func testSlicesOfTheStateAssembleIntoTheWhole() throws {
        let batch = 6, hidden = 3, blocks = 4   // L = 2: h and c of each layer
        // Each value says where it is: block, stream, unit.
        let state = (0..<blocks * batch * hidden).map { Float($0) }
        let shares = try (0..<3).map { try StreamShare(batch: batch, rank: $0, ranks: 3) }
        let parts = shares.map { $0.slice(state: state, hidden: hidden) }
        // Rank 1 holds streams 2 and 3 of every block.
        XCTAssertEqual(parts[1].count, blocks * 2 * hidden)
        XCTAssertEqual(Array(parts[1][0..<6]), (6..<12).map(Float.init))
        XCTAssertEqual(Array(parts[1][6..<12]), (24..<30).map(Float.init))
        XCTAssertEqual(shares[0].assemble(parts: parts.flatMap { $0 }, hidden: hidden), state)
        let whole = StreamShare(batch: batch)
        XCTAssertEqual(whole.slice(state: state, hidden: hidden), state)
    }

    func testOneProcessAgreesWithItself() {
        let alone = SingleProcess()
        XCTAssertTrue(alone.isRoot)
        XCTAssertEqual(alone.agree(on: .minutes), .minutes)
        XCTAssertNil(alone.agree(on: nil))
        XCTAssertTrue(alone.allAgree(on: 42))
        XCTAssertEqual(alone.gather([1.5, 2.5] as [Float]), [1.5, 2.5])
        XCTAssertEqual(alone.broadcast("run-1"), "run-1")
        XCTAssertNotEqual(ParameterChecksum.of([1, 2, 3]), ParameterChecksum.of([1, 2, 3.0000002]))
    }
}
