import Foundation
import XCTest
import ACTLM

final class BenchmarkTests: XCTestCase {
    private func corpus() throws -> String {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        return try CorpusFixtures.write(CorpusFixtures.text(bytes: 200_000, seed: 3),
                                        to: directory.appendingPathComponent("bench.txt"))
    }

    /// Matrix FLOPs of one training window, forward and backward, counted by hand from the shapes
    /// (G = 4H gate rows, V = 256 bytes): per layer and ponder step the recurrent product h·W_h and its
    /// two backward products (6GH) and the halting unit's two dot products (4H); per position above the
    /// first layer, whose input is a row lookup, the input product x·W_x and its two backward products
    /// (6GH); per position the output layer's product and its two backward products (6VH).
    private func handCountedFLOPs(hidden H: Int, positions: Int, stepsPerLayer: [Int]) -> Double {
        let G = 4 * H, V = ModelConfig.vocabulary
        let ponder = stepsPerLayer.reduce(0) { $0 + 6 * $1 * G * H + 4 * $1 * H }
        let inputs = (stepsPerLayer.count - 1) * 6 * positions * G * H
        return Double(ponder + inputs + 6 * positions * V * H)
    }

    /// At M = 1 every byte takes one step, so the work of a window is known in advance: the figures the
    /// benchmark reports must agree with that hand count, with the definition of ρ and with a clock of
    /// the test's own around the whole run.
    func testTimingBenchmarkFiguresAgreeWithAHandCountAndAnOuterClock() throws {
        let corpus = try Corpus(path: try self.corpus(), validFraction: 0)
        let (B, T, H) = (8, 20, 32)
        let config = ModelConfig(layers: 2, hidden: H, maxPonder: 1, epsilon: 0.01, stateReset: 0)
        let options = Benchmark.Options(config: config, batch: B, seq: T, seconds: 0.5, warmupSeconds: 0.1)
        let started = ContinuousClock.now
        let result = try Benchmark.run(corpus: corpus, options: options)
        let elapsed = ContinuousClock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        // The timed part lasts at least what was asked, and less than the whole call, which also warmed up.
        XCTAssertGreaterThanOrEqual(result.seconds, options.seconds)
        XCTAssertLessThan(result.seconds + options.warmupSeconds, wall)
        XCTAssertGreaterThan(result.windows, 1)
        // ρ = N + R with N = 1 and R = 1 at M = 1 (docs/act-lstm.md, "Halting"), in both layers.
        XCTAssertEqual(result.meanPonder.count, 2)
        for rho in result.meanPonder { XCTAssertEqual(rho, 2, accuracy: 1e-9) }

        // The matrix work reported (rate × time) is a whole number of hand-counted windows: the timed ones.
        let perWindow = handCountedFLOPs(hidden: H, positions: B * T, stepsPerLayer: [B * T, B * T])
        let windows = result.achievedGFLOPs * 1e9 * result.seconds / perWindow
        XCTAssertEqual(windows, Double(result.windows), accuracy: 1e-6 * windows)
        // chars/s follows from the FLOP rate and the hand count, and is at least what the outer clock allows.
        let charsPerSecond = result.achievedGFLOPs * 1e9 / perWindow * Double(B * T)
        XCTAssertEqual(result.charsPerSecond, charsPerSecond, accuracy: 1e-6 * charsPerSecond)
        XCTAssertGreaterThan(result.charsPerSecond, Double(result.windows * B * T) / wall)

        // The ratio is the achieved rate over the products' own rate. How large either is depends on what
        // else the machine runs (two timings in one process, minutes apart under load), so no bound on it
        // is tested here: docs/performance.md reports it from quiet runs.
        XCTAssertGreaterThan(result.sgemmGFLOPs, 0)
        XCTAssertGreaterThan(try XCTUnwrap(result.peakSGEMMGFLOPs), 0)
        XCTAssertGreaterThan(try XCTUnwrap(result.openBLASGFLOPs), 0)
        XCTAssertEqual(result.engine, ComputeContext.process.engine.name)
        // The ceiling over OpenBLAS: the FMA peak of a core over OpenBLAS's rate on one core, where the
        // processor has a vector kernel to measure the peak with.
        XCTAssertGreaterThan(try XCTUnwrap(result.openBLASOneCoreGFLOPs), 0)
        if MatrixEngine.avx2Available {
            let peak = try XCTUnwrap(result.fmaPeakGFLOPsPerCore), openBLAS = try XCTUnwrap(result.openBLASOneCoreGFLOPs)
            XCTAssertEqual(try XCTUnwrap(result.mostOverOpenBLAS), peak / openBLAS, accuracy: 1e-9 * peak / openBLAS)
        } else {
            XCTAssertNil(result.mostOverOpenBLAS)
        }
        // Training's share of the FMA peak: its matrix rate over the peak of the cores it ran on, on the
        // engine's vectors, wherever there is a vector kernel to measure the peak with.
        if MatrixEngine.avx2Available {
            let share = try XCTUnwrap(result.fmaPeak)
            XCTAssertEqual(share.threads, PeakShare.threads(layers: 2, context: ComputeContext.process))
            XCTAssertEqual(share.vectors, PeakShare.vectors(of: ComputeContext.process.engine))
            XCTAssertEqual(share.fraction, result.achievedGFLOPs / (Double(share.threads) * share.perCoreGFLOPs),
                           accuracy: 1e-9 * share.fraction)
            let perProcessorSecond = result.achievedGFLOPs * result.seconds / result.cpuSeconds
            XCTAssertEqual(try XCTUnwrap(share.processorFraction), perProcessorSecond / share.perCoreGFLOPs,
                           accuracy: 1e-9 * perProcessorSecond / share.perCoreGFLOPs)
        } else {
            XCTAssertNil(result.fmaPeak)
        }
        // Processor time: positive, and at most what every core could have given the timed part.
        XCTAssertGreaterThan(result.cpuSeconds, 0)
        XCTAssertLessThanOrEqual(result.cpuSeconds, result.seconds * Double(ProcessInfo.processInfo.activeProcessorCount) + 0.1)
        XCTAssertEqual(result.ratio, result.achievedGFLOPs / result.sgemmGFLOPs, accuracy: 1e-9 * result.ratio)
        XCTAssertTrue(result.trainBPC.isFinite && result.trainBPC < 9)
    }

    /// The matrix FLOPs the network counts are those of the products it runs: check them on one window
    /// against the shapes it multiplied and against the hand count.
    func testFLOPCountMatchesTheRecordedProducts() {
        let config = ModelConfig(layers: 2, hidden: 8, maxPonder: 3, epsilon: 0.01, haltingBias: 0, stateReset: 0)
        let window = RecordedWindow(config: config, batch: 3, seq: 5, text: "abcdefghijklmnop", seed: 4)
        let (network, shapes) = (window.network, window.shapes)
        let gemmFlops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        let steps = (0..<2).map { network.steps(layer: $0).reduce(0) { $0 + Int($1) } }
        XCTAssertGreaterThan(steps.max()!, 15, "some bytes pondered more than one step")
        let counted = handCountedFLOPs(hidden: config.hidden, positions: 15, stepsPerLayer: steps)
        XCTAssertEqual(network.flops, counted, accuracy: 1e-6)
        // The halting unit's two dot products per ponder step are the only products not recorded as GEMMs.
        XCTAssertEqual(gemmFlops, counted - Double(4 * steps.reduce(0, +) * config.hidden), accuracy: 1e-6)
    }

    func testBenchCommandJSON() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self).path
        let output = try ActlmBinary.run(["bench", try corpus(), "--hidden", "16", "--batch", "4", "--seq", "10",
                                          "--seconds", "0.3", "--warmup", "0", "--json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        var keys = ["chars_per_second", "achieved_gflops", "sgemm_gflops", "openblas_sgemm_gflops", "ratio", "mean_ponder", "cpu",
                    "openblas_one_core_gflops"]
        if MatrixEngine.avx2Available { keys += ["fma_peak_gflops_per_core", "most_over_openblas", "fma_peak"] }
        for key in keys {
            XCTAssertNotNil(object[key], "missing \(key)")
        }
        if let peak = object["fma_peak"] as? [String: Any] {
            for key in ["per_core_gflops", "threads", "vectors", "gflops", "fraction"] {
                XCTAssertNotNil(peak[key], "fma_peak is missing \(key)")
            }
        }
    }

    /// `bench --scoring` scores the corpus's held-out part (its last 5%) with the checkpoint's model: the
    /// bpc it reports is what `actlm eval` says of the same bytes.
    func testScoringBenchScoresTheHeldOutPartAsEvalDoes() throws {
        let (checkpoint, corpusPath) = try trainedCheckpoint()
        let directory = try CorpusFixtures.temporaryDirectory(for: self).path
        let bench = try ActlmBinary.run(["bench", corpusPath, "--scoring", "--checkpoint", checkpoint, "--json"],
                                        in: directory)
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let scored = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bench.stdout)) as? [String: Any])
        let text = try XCTUnwrap(TrainingFixtures.bytes(corpusPath))
        let heldOut = Array(text[(text.count - Int((Double(text.count) * 0.05).rounded()))...])
        XCTAssertEqual(scored["bytes"] as? Int, heldOut.count)
        _ = try CorpusFixtures.write(heldOut, to: URL(fileURLWithPath: directory + "/heldout.txt"))
        let eval = try ActlmBinary.run(["eval", checkpoint, "heldout.txt", "--json"], in: directory)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let evaluated = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(eval.stdout)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(scored["bpc"] as? Double), try XCTUnwrap(evaluated["bpc"] as? Double),
                       accuracy: 1e-6)
        XCTAssertGreaterThan(try XCTUnwrap(scored["kilobytes_per_second"] as? Double), 0)
    }

    func testBenchCommandReportsAMissingCorpus() throws {
        let output = try ActlmBinary.run(["bench", "/nonexistent/corpus.gz", "--seconds", "0.1"],
                                         in: try CorpusFixtures.temporaryDirectory(for: self).path)
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("/nonexistent/corpus.gz"), output.stderr)
    }

    /// A tiny run trained for a few steps and saved: (its checkpoint's path, its corpus's path).
    private func trainedCheckpoint() throws -> (path: String, corpus: String) {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpusPath = try TrainingFixtures.corpus(in: directory)
        let options = TrainingFixtures.options()
        let trainer = try Trainer(corpus: try Corpus(path: corpusPath, validFraction: options.validFraction),
                                  options: options, folder: try RunFolder.create(root: directory.path + "/runs", name: "tiny"))
        _ = try trainer.train(limits: TrainingLimits(steps: 7), cadence: TrainingCadence(evalEvery: 0, checkpointEvery: 0))
        return (trainer.folder.latest, corpusPath)
    }

    /// --checkpoint continues the run: the bench's windows are exactly the steps the run would take next
    /// from its saved weights, Adam state, positions and carried state (so its ponder and bpc are those
    /// the checkpoint's weights give), and the checkpoint file is left as it was.
    func testSlowBenchContinuesACheckpointsRun() throws {
        let (path, corpusPath) = try trainedCheckpoint()
        let before = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let saved = try TrainingCheckpoint.read(from: path)
        XCTAssertEqual(saved.step, 7)
        let corpus = try Corpus(path: corpusPath, validFraction: saved.options.validFraction)
        let result = try Benchmark.run(corpus: corpus, options: Benchmark.Options(continuing: saved, seconds: 0.3,
                                                                                   warmupSeconds: 0.05))
        XCTAssertEqual(result.startStep, 7)
        XCTAssertEqual(result.maxPonder, saved.options.model.maxPonder)
        XCTAssertEqual(result.hidden, saved.options.model.hidden)
        XCTAssertEqual(result.batch, saved.options.batch)

        // The same steps taken by hand from the checkpoint.
        let steps = try TrainingStep(corpus: corpus, options: saved.options, parameters: saved.parameters,
                                     adam: saved.adam, step: saved.step, positions: saved.positions,
                                     networkState: saved.networkState)
        for _ in 0..<result.warmupWindows { try steps.run() }
        var timed = WindowLoss(layers: 2)
        for _ in 0..<result.windows { timed.add(try steps.run().loss) }
        XCTAssertEqual(result.meanPonder, timed.meanPonder)
        XCTAssertEqual(result.trainBPC, timed.bitsPerCharacter)
        XCTAssertEqual(result.charsPerSecond * result.seconds, Double(timed.count), accuracy: 1e-6 * Double(timed.count))

        // Fresh weights would have given other figures: the comparison above can tell them apart.
        let fresh = try Benchmark.run(corpus: corpus, options: Benchmark.Options(training: saved.options, seconds: 0.1,
                                                                                  warmupSeconds: 0))
        XCTAssertEqual(fresh.startStep, 0)
        XCTAssertNotEqual(fresh.meanPonder, result.meanPonder)
        XCTAssertEqual(FileManager.default.contents(atPath: path), before)
    }

    func testSlowBenchCommandContinuesACheckpointAndRefusesOtherSettings() throws {
        let (path, _) = try trainedCheckpoint()
        let directory = try CorpusFixtures.temporaryDirectory(for: self).path
        let output = try ActlmBinary.run(["bench", "--checkpoint", path, "--seconds", "0.2", "--warmup", "0", "--json"],
                                         in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        XCTAssertEqual(object["start_step"] as? Int, 7)
        XCTAssertEqual(object["hidden"] as? Int, 16)
        XCTAssertEqual(object["max_ponder"] as? Int, 4)

        let refused = try ActlmBinary.run(["bench", "--checkpoint", path, "--hidden", "32", "--seconds", "0.1"],
                                          in: directory)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--hidden"), refused.stderr)
    }
}
