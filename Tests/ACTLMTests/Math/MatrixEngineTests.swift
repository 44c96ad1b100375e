import XCTest
import ACTLM

/// The network on the AVX-512 kernel against the same network on OpenBLAS, the path it replaces: the
/// products sum in another order, so they agree to rounding, not bit for bit.
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
        let saved = MatrixEngine.current
        MatrixEngine.current = engine
        defer { MatrixEngine.current = saved }
        let config = ModelConfig(layers: 2, hidden: 36, maxPonder: 3, haltingBias: 0, stateReset: 40)
        var random = RandomSource(seed: 5)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        let batch = 8, seq = 12
        XCTAssertGreaterThanOrEqual(batch * seq, MatrixEngine.rowsWorthPacking, "the weights are packed")
        let network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.01)
        return (0..<2).map { _ in
            let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)
            let logits = (0..<batch * seq).flatMap { Array(network.logits(at: $0)) }
            let steps = (0..<2).flatMap { Array(network.steps(layer: $0)) }
            return Window(loss: loss.taskNats, logits: logits, steps: steps, gradient: network.backward(parameters: θ))
        }
    }

    func testKernelNetworkAgreesWithOpenBLASNetwork() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available, "this processor has no AVX-512; OpenBLAS does the products")
        let kernel = windows(on: .avx512), openBLAS = windows(on: .openBLAS)
        XCTAssertGreaterThan(openBLAS.flatMap(\.steps).max()!, 1, "ACT is active")
        for (w, (x, y)) in zip(kernel, openBLAS).enumerated() {
            XCTAssertEqual(x.loss, y.loss, accuracy: 1e-5 * abs(y.loss), "window \(w) loss")
            XCTAssertEqual(x.steps, y.steps, "window \(w): the same ponder steps")
            for (a, b) in zip(x.logits, y.logits) { XCTAssertEqual(a, b, accuracy: 1e-4, "window \(w) logits") }
            let scale = y.gradient.map(abs).max()!
            XCTAssertGreaterThan(scale, 0)
            var largest: Float = 0
            for (a, b) in zip(x.gradient, y.gradient) { largest = max(largest, abs(a - b)) }
            XCTAssertLessThan(largest, 1e-4 * scale, "window \(w) gradient")
        }
    }
}
