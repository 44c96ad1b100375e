import Foundation
import XCTest
import ACTLM

/// The arithmetic of training's share of the FMA peak (not its timing: `actlm bench` reports that).
final class PeakShareTests: XCTestCase {
    /// chars/s × FLOP per byte over the peak of the threads: 20,000 bytes a second of 4.9 MFLOP each is
    /// 98 GFLOP/s, 48% of two cores at 101.6.
    func testTheShareIsTheMatrixRateOverTheThreadsPeak() {
        let share = PeakShare(charsPerSecond: 20_000, flopsPerByte: 4.9e6, perCoreGFLOPs: 101.6, threads: 2, vectors: "AVX2")
        XCTAssertEqual(share.gflops, 203.2, accuracy: 1e-9)
        XCTAssertEqual(share.fraction, 98 / 203.2, accuracy: 1e-12)
        XCTAssertEqual(share, PeakShare(achievedGFLOPs: 98, perCoreGFLOPs: 101.6, threads: 2, vectors: "AVX2"))
        // 98 GFLOP in a second of wall time that took 1.5 processor-seconds: 65.3 GFLOP per
        // processor-second, 64% of a core's peak.
        let given = PeakShare(achievedGFLOPs: 98, perCoreGFLOPs: 101.6, threads: 2, vectors: "AVX2",
                              processorGFLOPs: 98 / 1.5)
        XCTAssertEqual(try XCTUnwrap(given.processorFraction), 98 / 1.5 / 101.6, accuracy: 1e-12)
        XCTAssertNil(share.processorFraction)
        // The same training against AVX-512's peak on the same processor, twice AVX2's: half the share.
        let wide = PeakShare(charsPerSecond: 20_000, flopsPerByte: 4.9e6, perCoreGFLOPs: 203.2, threads: 2, vectors: "AVX-512")
        XCTAssertEqual(wide.fraction, share.fraction / 2, accuracy: 1e-12)
    }

    /// The cores training runs on: the wavefront's layer threads when there are several (each product on
    /// its own thread then), else the threads one layer's products are split across; never more cores
    /// than the processor has.
    func testTrainingRunsOnTheWavefrontsThreadsOrItsSplitProducts() {
        func threads(layers: Int, budget: Int, cores: Int) -> Int {
            PeakShare.threads(layers: layers, context: ComputeContext(engine: .openBLAS, threads: budget), cores: cores)
        }
        XCTAssertEqual(threads(layers: 2, budget: 2, cores: 2), 2)
        XCTAssertEqual(threads(layers: 1, budget: 2, cores: 2), 2, "one layer, its products split across both")
        XCTAssertEqual(threads(layers: 2, budget: 4, cores: 4), 2, "two layer threads, each product on one")
        XCTAssertEqual(threads(layers: 3, budget: 2, cores: 2), 2)
        XCTAssertEqual(threads(layers: 2, budget: 1, cores: 2), 1)
        XCTAssertEqual(threads(layers: 1, budget: 8, cores: 2), 2, "no more than the cores")
    }

    /// Each engine's peak is on its own vectors; OpenBLAS's on the widest the processor has.
    func testEachEngineIsHeldToItsOwnVectors() {
        XCTAssertEqual(PeakShare.vectors(of: .avx2), "AVX2")
        XCTAssertEqual(PeakShare.vectors(of: .avx512), "AVX-512")
        let widest = MatrixEngine.avx512Available ? "AVX-512" : MatrixEngine.avx2Available ? "AVX2" : nil
        XCTAssertEqual(PeakShare.vectors(of: .openBLAS), widest)
    }
}
