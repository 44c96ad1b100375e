import Foundation
import XCTest
import ACTLM

final class WavefrontTests: XCTestCase {
    /// Everything a window produces, as bit patterns: loss, logits, ρ, N, carried state and gradient.
    private struct Window: Equatable {
        var loss: [UInt64]
        var logits: [UInt32]
        var rho: [UInt32]
        var steps: [Int32]
        var state: [UInt32]
        var gradient: [UInt32]
    }

    /// Three windows (the state carried across them, a reset in between) through a network with ACT
    /// active, run on `threads` wavefront threads.
    private func windows(layers: Int, threads: Int, maxPonder: Int = 3, keeps: ForwardKeeps = .wholeWindow,
                         scope: HaltingScope = .layer, hidden: Int = 24, projectionShare: Double? = nil,
                         ponder: PonderMode = .adaptive) -> [Window] {
        let config = ModelConfig(layers: layers, hidden: hidden, maxPonder: maxPonder, epsilon: 0.01, haltingBias: 0,
                                 stateReset: 40, haltingScope: scope, ponder: ponder)
        var random = RandomSource(seed: 8)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        let batch = 6, seq = 11  // 66 rows: windows of 11 steps pack the weights, the one of 7 does not
        let network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.01, keeps: keeps)
        network.wavefrontThreads = threads
        network.projectionShare = projectionShare
        var result: [Window] = []
        for length in [11, 11, 7] {
            let inputs = (0..<batch * length).map { _ in UInt8(random.next() % 256) }
            let targets = (0..<batch * length).map { _ in UInt8(random.next() % 256) }
            let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)
            let logits = (0..<batch * length).flatMap { network.logits(at: $0).map(\.bitPattern) }
            let rho = (0..<layers).flatMap { network.rho(layer: $0).map(\.bitPattern) }
            let steps = (0..<layers).flatMap { Array(network.steps(layer: $0)) }
            let gradient = keeps == .currentTimeStep ? [] : network.backward(parameters: θ).map(\.bitPattern)
            result.append(Window(loss: [loss.taskNats.bitPattern] + loss.ponder.map(\.bitPattern), logits: logits,
                                 rho: rho, steps: steps, state: network.state.map(\.bitPattern), gradient: gradient))
        }
        return result
    }

    /// The wavefront computes each layer's sums in the same order as one thread running the layers one
    /// after the other: forward, backward and the carried state agree bit for bit, for any thread count
    /// and any grouping of layers onto threads. That holds on the project's kernels; OpenBLAS splits a
    /// product differently on one thread than on two, so there the floats agree to rounding and the
    /// halting decisions exactly.
    func testWavefrontEqualsTheSequentialPathBitForBit() {
        // Layer 1 halting for the stack: the layers above read its η forward and pass ∂L/∂η back across threads.
        for (layers, scope) in [(2, HaltingScope.layer), (3, .layer), (2, .stack), (3, .stack)] {
            let sequential = windows(layers: layers, threads: 1, scope: scope)
            let ponders = sequential.flatMap(\.steps)
            XCTAssertGreaterThan(ponders.max()!, 1, "ACT is active: some bytes take more than one step")
            XCTAssertLessThan(ponders.min()!, 3, "and some halt before M")
            for threads in 2...layers {
                let label = "L = \(layers), \(threads) threads, halting scope \(scope)"
                let wavefront = windows(layers: layers, threads: threads, scope: scope)
                if ComputeContext.process.engine.kernel != nil {
                    XCTAssertEqual(wavefront, sequential, label)
                } else {
                    for (window, expected) in zip(wavefront, sequential) { assertClose(window, expected, label) }
                }
            }
        }
    }

    /// However the two threads share a projection out (none, part or all of it to the thread below, in
    /// whole panels of 32 columns: H = 40 splits the passed-down gradient's 40 columns at 32), forward,
    /// backward and the carried state agree with one thread bit for bit on the project's kernels.
    func testSharedProjectionsEqualTheSequentialPath() {
        let sequential = windows(layers: 2, threads: 1, hidden: 40)
        for share in [0, 0.3, 0.5, 0.8, 1] {
            let label = "the thread below takes \(share) of each projection"
            let wavefront = windows(layers: 2, threads: 2, hidden: 40, projectionShare: share)
            if ComputeContext.process.engine.kernel != nil {
                XCTAssertEqual(wavefront, sequential, label)
            } else {
                for (window, expected) in zip(wavefront, sequential) { assertClose(window, expected, label) }
            }
        }
    }

    /// N exactly, every float to a relative 1e-4 (gradients: of the largest in the window).
    private func assertClose(_ window: Window, _ expected: Window, _ label: String) {
        XCTAssertEqual(window.steps, expected.steps, label)
        func close<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], _ what: String) {
            XCTAssertEqual(a.count, b.count, "\(label): \(what)")
            let scale = b.map { abs($0) }.max() ?? 0
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, scale * 1e-4, "\(label): \(what)")
        }
        close(window.loss.map(Double.init(bitPattern:)), expected.loss.map(Double.init(bitPattern:)), "loss")
        for (what, a, b) in [("logits", window.logits, expected.logits), ("ρ", window.rho, expected.rho),
                             ("state", window.state, expected.state), ("gradient", window.gradient, expected.gradient)] {
            close(a.map(Float.init(bitPattern:)), b.map(Float.init(bitPattern:)), what)
        }
    }

    /// A network that keeps only the time step in hand (scoring's) computes the same:
    /// loss, logits, ρ, N and the carried state agree bit for bit with a training network's forward.
    func testKeepingTheCurrentTimeStepEqualsTheTrainingForwardBitForBit() {
        for threads in [1, 2] {
            for scope in HaltingScope.allCases {
                var training = windows(layers: 2, threads: threads, scope: scope)
                for i in training.indices { training[i].gradient = [] }
                XCTAssertEqual(windows(layers: 2, threads: threads, keeps: .currentTimeStep, scope: scope), training,
                               "\(threads) threads, halting scope \(scope)")
            }
        }
    }

    /// The fixed-computation control (K = 2 steps everywhere) on the wavefront: the same bit for bit on
    /// any thread count, and keeping only the time step in hand computes the training forward.
    func testFixedControlEqualsTheSequentialPathBitForBit() {
        for layers in [2, 3] {
            let sequential = windows(layers: layers, threads: 1, maxPonder: 2, ponder: .fixed)
            XCTAssertEqual(Set(sequential.flatMap(\.steps)), [2])
            for threads in 2...layers {
                let wavefront = windows(layers: layers, threads: threads, maxPonder: 2, ponder: .fixed)
                if ComputeContext.process.engine.kernel != nil {
                    XCTAssertEqual(wavefront, sequential, "L = \(layers), \(threads) threads")
                } else {
                    for (window, expected) in zip(wavefront, sequential) { assertClose(window, expected, "fixed") }
                }
            }
            var training = sequential
            for i in training.indices { training[i].gradient = [] }
            XCTAssertEqual(windows(layers: layers, threads: 1, maxPonder: 2, keeps: .currentTimeStep, ponder: .fixed),
                           training, "L = \(layers), keeping the current time step")
        }
    }

    /// The layer groups cover every layer once, in order, and no thread is left without a layer.
    func testGroupsSplitTheLayersEvenly() {
        XCTAssertEqual(Wavefront.groups(layers: 2, threads: 2), [0..<1, 1..<2])
        XCTAssertEqual(Wavefront.groups(layers: 3, threads: 2), [0..<1, 1..<3])
        XCTAssertEqual(Wavefront.groups(layers: 5, threads: 3), [0..<1, 1..<3, 3..<5])
        XCTAssertEqual(Wavefront.threads(layers: 2, budget: 8), 2)
        XCTAssertEqual(Wavefront.threads(layers: 4, budget: 1), 1)
        XCTAssertEqual(Wavefront.chunks(length: 9), [0..<4, 4..<8, 8..<9])
    }
}
