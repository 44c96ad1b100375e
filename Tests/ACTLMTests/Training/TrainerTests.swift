import Foundation
import XCTest
import ACTLM

final class TrainerTests: XCTestCase {
    private var directory: URL!
    private var corpusPath = ""

    override func setUpWithError() throws {
        directory = try CorpusFixtures.temporaryDirectory(for: self)
        corpusPath = try TrainingFixtures.corpus(in: directory)
    }

    private func trainer(_ name: String, options: TrainingOptions = TrainingFixtures.options()) throws -> Trainer {
        let corpus = try Corpus(path: corpusPath, validFraction: options.validFraction)
        return try Trainer(corpus: corpus, options: options,
                           folder: try RunFolder.create(root: directory.path + "/runs", name: name))
    }

    private let quiet = TrainingCadence(evalEvery: 0, checkpointEvery: 0, logEvery: 5)

    func testTrainingLowersValidationBPC() throws {
        let trainer = try self.trainer("learn")
        let before = try XCTUnwrap(trainer.validate())
        let outcome = try trainer.train(limits: TrainingLimits(steps: 150), cadence: quiet)
        XCTAssertEqual(outcome.reason, .steps)
        XCTAssertEqual(outcome.step, 150)
        let after = try XCTUnwrap(outcome.validation)
        XCTAssertEqual(after.step, 150)
        XCTAssertLessThan(after.bpc, before.bpc - 1, "validation bpc \(before.bpc) → \(after.bpc)")
        XCTAssertEqual(after.meanRho.count, 2)
        XCTAssertEqual(outcome.bestValidBPC, after.bpc)
    }

    /// The halting units keep their initial weights through the halting warm-up, then learn.
    func testHaltingWarmupFreezesTheHaltingUnits() throws {
        var options = TrainingFixtures.options()
        options.haltingWarmup = 5
        let trainer = try self.trainer("halting", options: options)
        let layout = ParameterLayout(config: options.model)
        let halting = layout.layers.flatMap { Array($0.haltingWeights) + Array($0.haltingBias) }
        let others = Array(layout.layers[0].recurrentWeights)
        let initial = trainer.parameters
        _ = try trainer.train(limits: TrainingLimits(steps: 5), cadence: quiet)
        XCTAssertEqual(halting.map { trainer.parameters[$0] }, halting.map { initial[$0] })
        XCTAssertNotEqual(others.map { trainer.parameters[$0] }, others.map { initial[$0] })
        _ = try trainer.train(limits: TrainingLimits(steps: 6), cadence: quiet)
        XCTAssertNotEqual(halting.map { trainer.parameters[$0] }, halting.map { initial[$0] })
    }

    /// N steps in one go and N/2 + resume + N/2 give the same weights and optimizer state, bit for bit,
    /// although the interrupted run validated and saved in between.
    func testResumeContinuesBitForBit() throws {
        try assertResumeContinuesBitForBit(options: TrainingFixtures.options())
    }

    /// The same with state resets, staggered across the streams by the step count, and a reset between
    /// the halves.
    func testResumeWithStateResetsContinuesBitForBit() throws {
        var options = TrainingFixtures.options()
        options.model.stateReset = 4 * options.seq
        try assertResumeContinuesBitForBit(options: options)
        let never = try trainer("never"), resetting = try trainer("resetting", options: options)
        _ = try never.train(limits: TrainingLimits(steps: 5), cadence: quiet)
        _ = try resetting.train(limits: TrainingLimits(steps: 5), cadence: quiet)
        XCTAssertNotEqual(never.checkpoint().networkState, resetting.checkpoint().networkState)
    }

    /// The fixed-computation control (`--fixed-ponder 2`) resumes as exactly.
    func testResumeOfTheFixedControlContinuesBitForBit() throws {
        var options = TrainingFixtures.options()
        options.model.fixedPonder = 2
        try assertResumeContinuesBitForBit(options: options)
        let fixed = try trainer("fixed", options: options)
        _ = try fixed.train(limits: TrainingLimits(steps: 1), cadence: quiet)
        let saved = try TrainingCheckpoint.read(from: fixed.folder.latest)
        XCTAssertEqual(saved.config.ponder, .fixed)
        XCTAssertEqual(saved.config.maxPonder, 2)
    }

    private func assertResumeContinuesBitForBit(options: TrainingOptions) throws {
        let straight = try trainer("straight-\(options.model.stateReset)", options: options)
        _ = try straight.train(limits: TrainingLimits(steps: 12), cadence: quiet)

        let first = try trainer("halves-\(options.model.stateReset)", options: options)
        _ = try first.train(limits: TrainingLimits(steps: 6), cadence: TrainingCadence(evalEvery: 3, checkpointEvery: 0))
        let path = first.folder.latest
        let saved = try TrainingCheckpoint.read(from: path)
        XCTAssertEqual(saved.step, 6)
        let second = try Trainer(corpus: try Corpus(path: corpusPath, validFraction: saved.options.validFraction),
                                 resuming: saved, from: path, folder: RunFolder.containing(path))
        XCTAssertEqual(second.step, 6)
        _ = try second.train(limits: TrainingLimits(steps: 12), cadence: quiet)

        let a = straight.checkpoint(), b = second.checkpoint()
        XCTAssertEqual(a.step, 12)
        XCTAssertEqual(b.step, 12)
        XCTAssertEqual(a.chars, b.chars)
        XCTAssertEqual(a.parameters.map(\.bitPattern), b.parameters.map(\.bitPattern))
        XCTAssertEqual(a.adam, b.adam)
        XCTAssertEqual(a.networkState.map(\.bitPattern), b.networkState.map(\.bitPattern))
        XCTAssertEqual(a.positions, b.positions)
        XCTAssertEqual(a.random, b.random)
    }

    func testSameSeedSameModelAndAnotherSeedAnother() throws {
        let one = try trainer("one"), two = try trainer("two")
        let three = try trainer("three", options: TrainingFixtures.options(seed: 2))
        for trainer in [one, two, three] { _ = try trainer.train(limits: TrainingLimits(steps: 3), cadence: quiet) }
        XCTAssertEqual(one.parameters.map(\.bitPattern), two.parameters.map(\.bitPattern))
        XCTAssertNotEqual(one.parameters, three.parameters)
    }

    func testDivergenceStopsWithoutTouchingTheCheckpoints() throws {
        let trainer = try self.trainer("nan")
        _ = try trainer.train(limits: TrainingLimits(steps: 4), cadence: TrainingCadence(evalEvery: 2, checkpointEvery: 1))
        let folder = trainer.folder
        let latest = try XCTUnwrap(TrainingFixtures.bytes(folder.latest))
        let best = try XCTUnwrap(TrainingFixtures.bytes(folder.best))
        let listing = TrainingFixtures.listing(folder.path)

        let layout = ParameterLayout(config: trainer.options.model)
        trainer.parameters[layout.outputBias.lowerBound] = .nan
        XCTAssertThrowsError(try trainer.train(limits: TrainingLimits(steps: 8),
                                               cadence: TrainingCadence(evalEvery: 1, checkpointEvery: 1))) { error in
            guard case let .diverged(step, quantity, value, _, last) = error as? TrainingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(step, 5)
            XCTAssertEqual(quantity, "training loss")
            XCTAssertTrue(value.isNaN)
            XCTAssertEqual(last, folder.latest)
            let message = "\(error)"
            XCTAssertTrue(message.contains("training diverged at step 5: the training loss is nan"), message)
            XCTAssertTrue(message.contains("\(folder.latest), was left as it was"), message)
            XCTAssertTrue(message.contains("lower --lr"), message)
        }
        XCTAssertEqual(TrainingFixtures.bytes(folder.latest), latest)
        XCTAssertEqual(TrainingFixtures.bytes(folder.best), best)
        XCTAssertEqual(TrainingFixtures.listing(folder.path), listing)
        XCTAssertEqual(try TrainingCheckpoint.read(from: folder.latest).step, 4)
    }

    func testStopRequestSavesAtOnce() throws {
        let trainer = try self.trainer("stop")
        var steps = 0
        let outcome = try trainer.train(limits: TrainingLimits(), cadence: quiet, shouldStop: { steps >= 3 },
                                        report: { event in if case .progress = event { steps += 1 } })
        XCTAssertEqual(outcome.reason, .signal)
        XCTAssertEqual(outcome.step, 3)
        XCTAssertEqual(outcome.saved, trainer.folder.latest)
        let saved = try TrainingCheckpoint.read(from: trainer.folder.latest)
        XCTAssertEqual(saved.step, 3)
        XCTAssertNil(saved.validation, "a stop request saves without validating first")
        XCTAssertEqual(saved.parameters, trainer.parameters)
    }

    /// A --minutes run decays over the last part of its minutes: the decay is fixed when that part begins,
    /// the steps follow it, and the checkpoint keeps it for a resume.
    func testTimingMinutesRunFixesItsDecayWhenItsLastPartBegins() throws {
        var options = TrainingFixtures.options()
        options.schedule.decay = .cosine
        options.decayFraction = 0.5
        let trainer = try self.trainer("minutes", options: options)
        var fixed: [LearningRateSchedule] = [], rates: [(step: Int, rate: Double)] = []
        let outcome = try trainer.train(limits: TrainingLimits(minutes: 0.02), cadence: quiet) { event in
            if case let .decayFixed(schedule) = event { fixed.append(schedule) }
            if case let .progress(progress) = event { rates.append((progress.step, progress.learningRate)) }
        }
        XCTAssertEqual(outcome.reason, .minutes)
        let schedule = try XCTUnwrap(fixed.first)
        XCTAssertEqual(fixed.count, 1)
        XCTAssertEqual(trainer.options.schedule, schedule)
        XCTAssertFalse(schedule.isPending)
        XCTAssertGreaterThan(schedule.decayBegins, options.schedule.warmupSteps)
        XCTAssertLessThan(schedule.decayBegins, outcome.step)
        XCTAssertGreaterThan(schedule.totalSteps, schedule.decayBegins)
        for (step, rate) in rates { XCTAssertEqual(rate, schedule.rate(at: step - 1), "step \(step)") }
        let peak = rates.filter { $0.step <= schedule.decayBegins + 1 }.map(\.rate)
        XCTAssertEqual(Array(peak.dropFirst(options.schedule.warmupSteps)), Array(repeating: options.schedule.peak,
                                                                                 count: peak.count - options.schedule.warmupSteps))
        XCTAssertLessThan(rates.last!.rate, options.schedule.peak)
        XCTAssertEqual(try TrainingCheckpoint.read(from: trainer.folder.latest).options.schedule, schedule)
    }

    func testCharsAndEpochLimits() throws {
        let options = TrainingFixtures.options()
        let perStep = options.batch * options.seq
        let byChars = try trainer("chars")
        let outcome = try byChars.train(limits: TrainingLimits(chars: 5 * perStep - 1), cadence: quiet)
        XCTAssertEqual(outcome.reason, .chars)
        XCTAssertEqual(outcome.step, 5)

        let byEpochs = try trainer("epochs")
        let trainBytes = Double(byEpochs.corpus.info.trainBytes)
        let epochOutcome = try byEpochs.train(limits: TrainingLimits(epochs: 0.05), cadence: quiet)
        XCTAssertEqual(epochOutcome.reason, .epochs)
        XCTAssertEqual(epochOutcome.step, Int((0.05 * trainBytes / Double(perStep)).rounded(.up)))
        XCTAssertGreaterThanOrEqual(epochOutcome.epochs, 0.05)

        let again = try byEpochs.train(limits: TrainingLimits(epochs: 0.05), cadence: quiet)
        XCTAssertEqual(again.sessionSteps, 0, "a limit already reached trains nothing")
        XCTAssertNil(again.saved)
    }

    /// The checkpoint records where the model ponders on the held-out bytes and the excerpt's trace.
    func testCheckpointRecordsPonderStatisticsAndTrace() throws {
        let trainer = try self.trainer("ponder")
        var validations: [ValidationResult] = []
        _ = try trainer.train(limits: TrainingLimits(steps: 10), cadence: TrainingCadence(evalEvery: 5, logEvery: 5),
                          report: { if case let .validated(result, _) = $0 { validations.append(result) } })
        XCTAssertEqual(validations.map(\.step), [5, 10])
        let saved = try TrainingCheckpoint.read(from: trainer.folder.latest)
        let bytesRead = trainer.validationChars
        XCTAssertEqual(bytesRead, 2_000, "--valid-chars")
        XCTAssertEqual(saved.validation?.chars, bytesRead - 1, "every byte read but the last is predicted")
        for layer in 0..<2 {
            XCTAssertEqual(saved.ponderStats.count(layer: layer), UInt64(bytesRead))
            XCTAssertEqual(saved.ponderStats.stepHistogram(layer: layer).reduce(0, +), UInt64(bytesRead))
            XCTAssertEqual(try XCTUnwrap(saved.ponderStats.meanRho(layer: layer)), saved.validation!.meanRho[layer],
                           accuracy: 1e-4)
            XCTAssertTrue(saved.ponderTrace.steps(layer: layer).allSatisfy { $0 >= 1 && $0 <= 4 })
        }
        // The excerpt is the start of the held-out part: the last 10% of the corpus.
        let text = try XCTUnwrap(TrainingFixtures.bytes(corpusPath))
        let validStart = text.count - Int(Double(text.count) * 0.1)
        XCTAssertEqual(saved.ponderTrace.text, Array(text[validStart..<validStart + 100]))
        XCTAssertEqual(saved.validation, TrainingCheckpoint.ValidationSummary(validations.last!))

        let records = try MetricsLog.read(path: trainer.folder.metrics)
        XCTAssertEqual(records.map(\.step), [5, 10])
        XCTAssertEqual(records.map(\.validBPC), validations.map(\.bpc))
        XCTAssertEqual(records, saved.history)
        XCTAssertTrue(records.allSatisfy { $0.charsPerSecond > 0 && $0.trainBPC.isFinite })
    }

    func testValidationLeavesTheTrainingStateAlone() throws {
        let trainer = try self.trainer("alone")
        _ = try trainer.train(limits: TrainingLimits(steps: 2), cadence: quiet)
        let state = trainer.checkpoint().networkState
        let first = try XCTUnwrap(trainer.validate()), second = try XCTUnwrap(trainer.validate())
        XCTAssertEqual(first, second)
        XCTAssertEqual(trainer.checkpoint().networkState.map(\.bitPattern), state.map(\.bitPattern))
    }

    func testResumingOnAnotherCorpusIsRefused() throws {
        let trainer = try self.trainer("corpus")
        _ = try trainer.train(limits: TrainingLimits(steps: 1), cadence: quiet)
        let saved = try TrainingCheckpoint.read(from: trainer.folder.latest)
        let other = try TrainingFixtures.corpus(in: try CorpusFixtures.temporaryDirectory(for: self), bytes: 30_000)
        XCTAssertThrowsError(try Trainer(corpus: try Corpus(path: other, validFraction: 0.1), resuming: saved,
                                         from: trainer.folder.latest, folder: trainer.folder)) { error in
            XCTAssertTrue("\(error)".contains("is not the corpus the checkpoint was trained on"), "\(error)")
        }
    }

    func testValidationTooShort() throws {
        let options = TrainingFixtures.options()
        let valid = try CorpusFixtures.write([UInt8(ascii: "a")], to: directory.appendingPathComponent("valid.txt"))
        let corpus = try Corpus(path: corpusPath, validPath: valid)
        XCTAssertThrowsError(try Trainer(corpus: corpus, options: options,
                                         folder: try RunFolder.create(root: directory.path + "/runs", name: "short"))) { error in
            XCTAssertEqual(error as? TrainingError, .validationTooShort(bytes: 1))
            XCTAssertTrue("\(error)".contains("Raise --valid-fraction or --valid-chars"))
        }
    }

    /// Validation scores its held-out bytes as `actlm eval` scores a file of the same bytes: the bpc in
    /// the checkpoint is the bpc eval reports, with state resets (segments side by side, a shorter last
    /// batch) and without.
    func testValidationAgreesWithEvalOnTheSameBytes() throws {
        for interval in [50, 0] {
            var options = TrainingFixtures.options()
            options.model.stateReset = interval
            options.validChars = 2_013
            let trainer = try self.trainer("agree-\(interval)", options: options)
            let outcome = try trainer.train(limits: TrainingLimits(steps: 20), cadence: quiet)
            let validation = try XCTUnwrap(outcome.validation)
            let checkpoint = try XCTUnwrap(outcome.saved)

            let text = try XCTUnwrap(TrainingFixtures.bytes(corpusPath))
            let validStart = text.count - Int(Double(text.count) * options.validFraction)
            let heldOut = try CorpusFixtures.write(Array(text[validStart..<validStart + 2_013]),
                                                   to: directory.appendingPathComponent("heldout-\(interval).txt"))
            let eval = try ActlmBinary.run(["eval", checkpoint, heldOut, "--json"], in: directory.path)
            XCTAssertEqual(eval.status, 0, eval.stderr)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(eval.stdout)) as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(object["bpc"] as? Double), validation.bpc, accuracy: 1e-6, "reset every \(interval)")
            XCTAssertEqual(object["predicted_bytes"] as? Int, validation.chars)
        }
    }
}
