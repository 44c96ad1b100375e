import Foundation
import XCTest
import ACTLM

/// Each network multiplies as its own context says, so networks on different engines and threads can
/// share a process: side by side, even on two threads at once, each computes exactly what it computes alone.
final class ComputeContextTests: XCTestCase {
    /// Bits of what three training windows of a small network with ACT active produce on `context`.
    private final class Run {
        let network: Network<Float>
        private let θ: [Float]
        private var random = RandomSource(seed: 21)
        private let batch = 8, seq = 10
        private(set) var bits: [UInt32] = []

        init(context: ComputeContext) {
            let config = ModelConfig(layers: 2, hidden: 40, maxPonder: 3, epsilon: 0.01, haltingBias: 0, stateReset: 30)
            var weights = RandomSource(seed: 3)
            θ = ParameterLayout(config: config).initialParameters(random: &weights)
            network = Network<Float>(config: config, batch: batch, seq: seq, tau: 0.01, context: context)
        }

        func window() {
            let inputs = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let targets = (0..<batch * seq).map { _ in UInt8(random.next() % 256) }
            let loss = network.forward(parameters: θ, inputs: inputs, targets: targets)
            bits.append(Float(loss.taskNats).bitPattern)
            bits += (0..<batch * seq).flatMap { network.logits(at: $0).map(\.bitPattern) }
            bits += network.backward(parameters: θ).map(\.bitPattern)
            bits += network.state.map(\.bitPattern)
        }
    }

    /// The engines this processor runs, a kernel's split across two threads (which gives the same bits
    /// however a product ends up split), OpenBLAS's on one.
    private var contexts: [ComputeContext] {
        MatrixEngine.available.map { ComputeContext(engine: $0, threads: $0.kernel == nil ? 1 : 2) }
    }

    private func alone(_ context: ComputeContext) -> [UInt32] {
        let run = Run(context: context)
        for _ in 0..<3 { run.window() }
        return run.bits
    }

    func testNetworksOnDifferentEnginesSideBySideComputeWhatEachDoesAlone() throws {
        let contexts = self.contexts
        try XCTSkipIf(contexts.count < 2, "this processor runs one engine only")
        let expected = contexts.map(alone)
        XCTAssertNotEqual(expected[0], expected[1], "the engines round differently, so a mix-up would show")

        let interleaved = contexts.map(Run.init)
        for _ in 0..<3 { for run in interleaved { run.window() } }
        for (run, bits) in zip(interleaved, expected) {
            XCTAssertEqual(run.bits, bits, "\(run.network.context) one window at a time beside the other")
        }

        let concurrent = contexts.map(Run.init)
        DispatchQueue.concurrentPerform(iterations: concurrent.count) { i in
            for _ in 0..<3 { concurrent[i].window() }
        }
        for (run, bits) in zip(concurrent, expected) {
            XCTAssertEqual(run.bits, bits, "\(run.network.context) on its own thread while the other runs")
        }
    }

    func testTheEnvironmentChoosesEngineAndThreads() {
        let chosen = ComputeContext(environment: ["ACTLM_GEMM": "openblas", "OPENBLAS_NUM_THREADS": "3"])
        XCTAssertEqual(chosen.engine, .openBLAS)
        XCTAssertEqual(chosen.threads, 3)
        XCTAssertTrue(chosen.threadsChosen)
        XCTAssertEqual(chosen.forSingleStream(), chosen, "threads the user chose stay")
        XCTAssertEqual(chosen.sharingCores(among: 2), chosen)

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let defaults = ComputeContext(environment: [:])
        XCTAssertEqual(defaults.engine, MatrixEngine.available[0], "the fastest engine by default")
        XCTAssertEqual(defaults.threads, cores, "every core by default")
        XCTAssertFalse(defaults.threadsChosen)
        XCTAssertEqual(defaults.forSingleStream().threads, 1)
        XCTAssertEqual(defaults.sharingCores(among: cores).threads, 1)
        XCTAssertEqual(ComputeContext(environment: ["OPENBLAS_NUM_THREADS": "0"]).threads, cores, "a count below 1 is ignored")
    }

    func testAScorerOfOneStreamMultipliesOnOneThread() {
        let config = ModelConfig(layers: 2, hidden: 8, maxPonder: 2, stateReset: 0)
        let context = ComputeContext(engine: .openBLAS, threads: 2, threadsChosen: false)
        XCTAssertEqual(TextScorer(config: config, context: context).context.threads, 1, "a model without resets reads one stream")
        let resetting = ModelConfig(layers: 2, hidden: 8, maxPonder: 2, stateReset: 20)
        XCTAssertEqual(TextScorer(config: resetting, batch: 4, context: context).context.threads, 2)
    }
}
