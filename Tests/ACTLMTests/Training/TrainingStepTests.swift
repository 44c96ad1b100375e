import XCTest
import ACTLM

/// A second replica that trained on exactly the same window: every sum doubles.
private final class TwinReplica: GradientReduction {
    func sum(_ values: UnsafeMutableBufferPointer<Float>) { for i in values.indices { values[i] *= 2 } }
    func sum(_ values: UnsafeMutableBufferPointer<Double>) { for i in values.indices { values[i] *= 2 } }
}

/// A second replica with as many positions, no loss and no gradient: it adds only to the count (totals[1]).
private final class SilentReplica: GradientReduction {
    func sum(_ values: UnsafeMutableBufferPointer<Float>) {}
    func sum(_ values: UnsafeMutableBufferPointer<Double>) { values[1] *= 2 }
}

final class TrainingStepTests: XCTestCase {
    private func step(_ reduction: GradientReduction?) throws -> (TrainingStep, TrainingStep.Outcome) {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        var options = TrainingFixtures.options()
        options.clip = 0
        let corpus = try Corpus(path: try TrainingFixtures.corpus(in: directory), validFraction: 0)
        var random = RandomSource(seed: options.seed)
        let training = try TrainingStep(corpus: corpus, options: options,
                                        parameters: ParameterLayout(config: options.model).initialParameters(random: &random))
        training.reduction = reduction
        return (training, try training.run())
    }

    /// The joined gradient is that of the mean over every replica's positions: a twin leaves it as it was
    /// (and so the step), a replica that contributes only positions halves it.
    func testReplicasJoinIntoTheGradientOfTheGlobalMean() throws {
        let (alone, single) = try step(nil)
        let (twin, twice) = try step(TwinReplica())
        let (_, halved) = try step(SilentReplica())
        XCTAssertEqual(single.loss.count, 4 * 16)
        XCTAssertEqual(twice.loss.count, 2 * single.loss.count)
        XCTAssertEqual(twice.loss.bitsPerCharacter, single.loss.bitsPerCharacter, accuracy: 1e-12)
        XCTAssertEqual(twice.gradNorm, single.gradNorm, accuracy: 1e-6 * single.gradNorm)
        XCTAssertEqual(halved.gradNorm, single.gradNorm / 2, accuracy: 1e-6 * single.gradNorm)
        XCTAssertEqual(halved.loss.bitsPerCharacter, single.loss.bitsPerCharacter / 2, accuracy: 1e-12)
        for (a, b) in zip(alone.parameters, twin.parameters) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(alone.step, 1)
    }

    /// A divergence leaves the weights as they were and names the step it happened at.
    func testNonFiniteLossThrowsAndKeepsTheWeights() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let options = TrainingFixtures.options()
        let corpus = try Corpus(path: try TrainingFixtures.corpus(in: directory), validFraction: 0)
        var random = RandomSource(seed: options.seed)
        var parameters = ParameterLayout(config: options.model).initialParameters(random: &random)
        parameters[ParameterLayout(config: options.model).outputBias.lowerBound] = .nan
        let training = try TrainingStep(corpus: corpus, options: options, parameters: parameters)
        XCTAssertThrowsError(try training.run()) { error in
            guard case let TrainingError.diverged(step, quantity, _, _, _) = error else {
                return XCTFail("not a divergence: \(error)")
            }
            XCTAssertEqual(step, 1)
            XCTAssertEqual(quantity, "training loss")
        }
        XCTAssertEqual(training.step, 0)
        XCTAssertEqual(training.parameters.map(\.bitPattern), parameters.map(\.bitPattern))
    }

    /// `--byte-lr-scale`: layer 1's byte rows take steps that many times as large, everything else the same.
    func testByteRowsLearnAtTheirOwnRate() throws {
        let directory = try CorpusFixtures.temporaryDirectory(for: self)
        let corpus = try Corpus(path: try TrainingFixtures.corpus(in: directory), validFraction: 0)
        func change(byteScale: Double) throws -> [Float] {
            var options = TrainingFixtures.options()
            options.byteLearningRateScale = byteScale
            var random = RandomSource(seed: options.seed)
            let start = ParameterLayout(config: options.model).initialParameters(random: &random)
            let training = try TrainingStep(corpus: corpus, options: options, parameters: start)
            _ = try training.run()
            return zip(training.parameters, start).map { $0 - $1 }
        }
        let common = try change(byteScale: 1), scaled = try change(byteScale: 4)
        let layout = ParameterLayout(config: TrainingFixtures.options().model)
        let byteRows = layout.layers[0].inputWeights
        XCTAssertTrue(layout.layers[0].readsBytes)
        XCTAssertGreaterThan(common[byteRows].filter { $0 != 0 }.count, 0, "some byte rows were read")
        for i in common.indices {
            let expected = byteRows.contains(i) ? 4 * common[i] : common[i]
            XCTAssertEqual(scaled[i], expected, accuracy: 1e-6 * max(1, abs(expected)) + 1e-9, "parameter \(i)")
        }
        XCTAssertGreaterThan(common[layout.layers[1].inputWeights].filter { $0 != 0 }.count, 0,
                             "layer 2's input rows move at the common rate")
    }
}
