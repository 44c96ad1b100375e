import XCTest
import ACTLM

/// The network on each of the project's kernels against the same network on OpenBLAS, the path they
/// replace: the products sum in another order, so they agree to rounding, not bit for bit. The two
/// kernels sum alike, so against each other they agree bit for bit.
final class MatrixEngineTests: XCTestCase {
    private struct Window {
        var loss: Double
        var logits: [Float]
        var steps: [Int32]
        var gradient: [Float]
    }

    /// Two windows with ACT active and the weights packed (8 × 12 rows a window); H = 36, so the 4H = 144
    /// gate columns leave a ragged last panel.
    private func windows(on engine: MatrixEngine) -> [Window] {
        let config = ModelConfig(layers: 2, hidden: 36, maxPonder: 3, epsilon: 0.01, haltingBias: 0, stateReset: 40)
        var random = RandomSource(seed: 5)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        let batch = 8, seq = 12
        XCTAssertGreaterThanOrEqual(batch * seq, MatrixEngine.rowsWorthPacking, "the weights are packed")
        let network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.01,
                                     context: ComputeContext(engine: engine, threads: 2))
        return (0..<2).map { _ in
            let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)
            let logits = (0..<batch * seq).flatMap { Array(network.logits(at: $0)) }
            let steps = (0..<2).flatMap { Array(network.steps(layer: $0)) }
            return Window(loss: loss.taskNats, logits: logits, steps: steps, gradient: network.backward(parameters: θ))
        }
    }

    private func assertAgrees(_ kernel: [Window], with openBLAS: [Window], _ label: String) {
        XCTAssertGreaterThan(openBLAS.flatMap(\.steps).max()!, 1, "ACT is active")
        for (w, (x, y)) in zip(kernel, openBLAS).enumerated() {
            XCTAssertEqual(x.loss, y.loss, accuracy: 1e-5 * abs(y.loss), "\(label) window \(w) loss")
            XCTAssertEqual(x.steps, y.steps, "\(label) window \(w): the same ponder steps")
            var logits: Float = 0
            for (a, b) in zip(x.logits, y.logits) { logits = max(logits, abs(a - b)) }
            XCTAssertLessThan(logits, 1e-4, "\(label) window \(w) logits")
            let scale = y.gradient.map(abs).max()!
            XCTAssertGreaterThan(scale, 0)
            var largest: Float = 0
            for (a, b) in zip(x.gradient, y.gradient) { largest = max(largest, abs(a - b)) }
            XCTAssertLessThan(largest, 1e-4 * scale, "\(label) window \(w) gradient")
        }
    }

    func testAVX512NetworkAgreesWithOpenBLASNetwork() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available, "this processor has no AVX-512")
        assertAgrees(windows(on: .avx512), with: windows(on: .openBLAS), "AVX-512")
    }

    func testAVX2NetworkAgreesWithOpenBLASNetwork() throws {
        try XCTSkipUnless(MatrixEngine.avx2Available, "this processor has no AVX2 and FMA")
        assertAgrees(windows(on: .avx2), with: windows(on: .openBLAS), "AVX2")
    }

    func testAVX2NetworkEqualsAVX512NetworkBitForBit() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available && MatrixEngine.avx2Available, "needs AVX-512 and AVX2")
        let wide = windows(on: .avx512), narrow = windows(on: .avx2)
        for (w, (x, y)) in zip(wide, narrow).enumerated() {
            XCTAssertEqual(x.loss.bitPattern, y.loss.bitPattern, "window \(w) loss")
            XCTAssertEqual(x.steps, y.steps, "window \(w) steps")
            XCTAssertEqual(x.logits.map(\.bitPattern), y.logits.map(\.bitPattern), "window \(w) logits")
            XCTAssertEqual(x.gradient.map(\.bitPattern), y.gradient.map(\.bitPattern), "window \(w) gradient")
        }
    }
}
