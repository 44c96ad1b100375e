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
}
