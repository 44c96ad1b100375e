import CGEMM
import XCTest
import ACTLM

/// The FMA peak loop counts the work it does, and the peak it gives is a rate on the widest vectors the
/// processor has. Its speed is not tested (timings on a shared machine say little): `actlm bench`
/// reports it beside what the products reach.
final class VectorPeakTests: XCTestCase {
    func testThePeakLoopCountsTwelveFMAsOfEveryLaneAPerRound() throws {
        let kernels: [(actlm_kernel, lanes: Double, available: Bool)] = [
            (ACTLM_KERNEL_AVX2, 8, MatrixEngine.avx2Available), (ACTLM_KERNEL_AVX512, 16, MatrixEngine.avx512Available),
        ]
        guard kernels.contains(where: \.available) else { throw XCTSkip("no vector kernel on this processor") }
        for (kernel, lanes, available) in kernels where available {
            for rounds in [1, 2, 1000] {
                XCTAssertEqual(actlm_fma_peak_work(kernel, rounds), 2 * lanes * 12 * Double(rounds))
            }
            XCTAssertEqual(actlm_fma_peak_work(kernel, 0), 0, "no rounds, no work (and no loop run 2⁶⁴ times)")
        }
    }

    func testThePeakIsARateWhereThereIsAVectorKernel() throws {
        let rate = VectorPeak.oneCoreRate(seconds: 0.01)
        guard MatrixEngine.avx2Available else { return XCTAssertNil(rate) }
        let peak = try XCTUnwrap(rate)
        XCTAssertTrue(peak.isFinite && peak > 0)
    }

    /// OpenBLAS on one core, in processor time, on the shapes a small network's window recorded.
    func testOpenBLASOneCoreRateIsARate() {
        let config = ModelConfig(layers: 2, hidden: 16, maxPonder: 2, epsilon: 0.01, stateReset: 0)
        let shapes = RecordedWindow(config: config, batch: 4, seq: 6, text: "the peak of a core, and OpenBLAS", seed: 5).shapes
        XCTAssertFalse(shapes.isEmpty)
        let rate = VectorPeak.openBLASOneCoreRate(shapes, seconds: 0.05)
        XCTAssertTrue(rate.isFinite && rate > 0)
    }
}
