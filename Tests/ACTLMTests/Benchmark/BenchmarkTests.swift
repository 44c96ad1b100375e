import Foundation
import XCTest
import ACTLM

final class BenchmarkTests: XCTestCase {
    private func corpus() throws -> String {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        return try CorpusFixtures.write(CorpusFixtures.text(bytes: 200_000, seed: 3),
                                        to: directory.appendingPathComponent("bench.txt"))
    }

    func testBenchmarkTrainsAndMeasuresAgainstSGEMM() throws {
        let corpus = try Corpus(path: try self.corpus(), validFraction: 0)
        let options = Benchmark.Options(config: ModelConfig(layers: 2, hidden: 32, maxPonder: 4), batch: 8, seq: 20,
                                        seconds: 0.5, warmupSeconds: 0.1)
        let result = try Benchmark.run(corpus: corpus, options: options)
        XCTAssertGreaterThan(result.windows, 1)
        XCTAssertEqual(result.charsPerSecond, Double(result.windows * 8 * 20) / result.seconds, accuracy: 1e-6)
        XCTAssertEqual(result.meanPonder.count, 2)
        for rho in result.meanPonder { XCTAssertTrue((1.0...5.0).contains(rho), "ρ \(rho) outside 1...M+1") }
        XCTAssertGreaterThan(result.achievedGFLOPs, 0)
        XCTAssertGreaterThan(result.sgemmGFLOPs, 0)
        XCTAssertEqual(result.ratio, result.achievedGFLOPs / result.sgemmGFLOPs, accuracy: 1e-9)
        XCTAssertTrue(result.trainBPC.isFinite && result.trainBPC < 9)
    }

    /// The matrix FLOPs the network counts are those of the products it runs: check them on one window
    /// by recording the shapes it multiplied.
    func testFLOPCountMatchesTheRecordedProducts() {
        let config = ModelConfig(layers: 2, hidden: 8, maxPonder: 3, haltingBias: 0)
        var random = RandomSource(seed: 4)
        let θ = ParameterLayout(config: config).initialParameters(random: &random)
        let network = Network<Float>(config: config, batch: 3, seq: 5, tau: 0.01)
        let text = Array("abcdefghijklmnop".utf8)
        GEMMShapes.startRecording()
        network.forward(parameters: θ, inputs: Array(text[0..<15]), targets: Array(text[1..<16]))
        _ = network.backward(parameters: θ)
        let shapes = GEMMShapes.stopRecording()
        let gemmFlops = shapes.reduce(0.0) { $0 + $1.key.flops * Double($1.value) }
        // The halting unit's two GEMVs per ponder step are the only products not recorded as GEMMs.
        let pondered = (0..<2).reduce(0) { $0 + network.steps(layer: $1).reduce(0) { $0 + Int($1) } }
        XCTAssertEqual(network.flops, gemmFlops + Double(4 * pondered * config.hidden), accuracy: 1e-6)
    }

    func testBenchCommandJSON() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self).path
        let output = try ActlmBinary.run(["bench", try corpus(), "--hidden", "16", "--batch", "4", "--seq", "10",
                                          "--seconds", "0.3", "--warmup", "0", "--json"], in: directory)
        XCTAssertEqual(output.status, 0, output.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any])
        for key in ["chars_per_second", "achieved_gflops", "sgemm_gflops", "ratio", "mean_ponder", "cpu"] {
            XCTAssertNotNil(object[key], "missing \(key)")
        }
    }

    func testBenchCommandReportsAMissingCorpus() throws {
        let output = try ActlmBinary.run(["bench", "/nonexistent/corpus.gz", "--seconds", "0.1"],
                                         in: try CorpusFixtures.temporaryDirectory(for: self).path)
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("/nonexistent/corpus.gz"), output.stderr)
    }
}
