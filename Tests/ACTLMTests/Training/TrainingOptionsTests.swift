import XCTest
import ACTLM

final class TrainingOptionsTests: XCTestCase {
    func testDefaultsAreValid() throws {
        try TrainingOptions.defaults.validate()
        let model = TrainingOptions.defaults.model
        XCTAssertEqual([model.layers, model.hidden, model.maxPonder, model.stateReset], [2, 256, 3, 500])
        XCTAssertEqual(TrainingOptions.defaults.tau, 0.005)
        XCTAssertEqual(model.epsilon, 0.1)
        XCTAssertEqual(TrainingOptions.defaults.schedule.decay, .cosine)
        XCTAssertEqual(TrainingOptions.defaults.decayFraction, 0.2)
        XCTAssertEqual(TrainingOptions.defaults.haltingWarmup, 500)
        XCTAssertEqual(TrainingOptions.defaults.schedule.peak, 2e-3)
    }

    /// Each bad value is refused with a message that names the flag to fix.
    func testEveryBadValueNamesItsFlag() {
        var cases: [(String, (inout TrainingOptions) -> Void)] = [
            ("--layers", { $0.model.layers = 0 }),
            ("--hidden", { $0.model.hidden = -1 }),
            ("--max-ponder", { $0.model.maxPonder = 0 }),
            ("--fixed-ponder must be 0 (ACT) or between 1 and 1000", { $0.model.fixedPonder = -1 }),
            ("--halting-epsilon", { $0.model.epsilon = 1 }),
            ("--halting-bias", { $0.model.haltingBias = .infinity }),
            ("--batch", { $0.batch = 0 }),
            ("--seq", { $0.seq = 0 }),
            ("--tau", { $0.tau = -1 }),
            ("--clip", { $0.clip = .nan }),
            ("--valid-fraction", { $0.validFraction = 1 }),
            ("--valid-chars", { $0.validChars = 1 }),
            ("--trace-chars", { $0.traceChars = -1 }),
            ("--halting-warmup", { $0.haltingWarmup = -1 }),
            ("--halting-lr-scale", { $0.haltingLearningRateScale = -0.5 }),
            ("--byte-lr-scale", { $0.byteLearningRateScale = 0 }),
            ("--reset-every", { $0.model.stateReset = $0.seq - 1 }),
            ("--decay-fraction", { $0.decayFraction = 1.5 }),
            ("--reset-every must be 0 (never) or at most 1000000", { $0.model.stateReset = 1_000_001 }),
            ("--layers must be between 1 and 64", { $0.model.layers = 1_000_000_000 }),
            ("--lr must be a finite Float", { $0.schedule.peak = 1e300 }),
            ("--tau must be between 0 and 1000", { $0.tau = 1e300 }),
            ("step counts must be at most", { $0.schedule.warmupSteps = .max }),
        ]
        cases.append(("learning rate must be positive", { $0.schedule.peak = 0 }))
        for (words, change) in cases {
            var options = TrainingOptions.defaults
            change(&options)
            XCTAssertThrowsError(try options.validate(), words) { error in
                XCTAssertTrue("\(error)".contains(words), "«\(words)» not in: \(error)")
            }
        }
    }

    /// Settings each within its limit can still need more memory together than the machine has: the run
    /// is refused before anything is allocated, naming the flags that size it.
    func testARunThatCannotFitIsRefused() throws {
        var options = TrainingOptions.defaults
        options.model.hidden = 16_384
        options.batch = 4_096
        options.seq = 100_000
        options.model.stateReset = 100_000
        XCTAssertNil(options.problem)
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertTrue("\(error)".contains("--hidden 16384 --batch 4096 --seq 100000 needs at least"), "\(error)")
            XCTAssertTrue("\(error)".contains("Use a smaller --batch, --seq or --hidden"), "\(error)")
        }
        let memory = TrainingMemory(options: TrainingOptions.defaults)
        XCTAssertNoThrow(try memory.checkFits(machine: memory.bytes))
        XCTAssertThrowsError(try memory.checkFits(machine: memory.bytes - 1))
    }

    /// Options stored before the halting-unit settings existed read as "no warm-up, full rate", and before
    /// the decay fraction as a decay over the whole run.
    func testOptionsWithoutHaltingSettingsDecode() throws {
        var options = TrainingOptions.defaults
        options.haltingWarmup = 7
        options.haltingLearningRateScale = 0.5
        options.byteLearningRateScale = 3
        let encoded = try JSONEncoder().encode(options)
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: encoded), options)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["haltingWarmup"] = nil
        object["haltingLearningRateScale"] = nil
        object["decayFraction"] = nil
        object["byteLearningRateScale"] = nil
        let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.haltingWarmup, 0)
        XCTAssertEqual(old.haltingLearningRateScale, 1)
        XCTAssertEqual(old.decayFraction, 1, "decays then spanned the whole run")
        XCTAssertEqual(old.byteLearningRateScale, 1, "byte rows then learnt at the common rate")
    }

    /// Encodes `config` and checks it decodes to itself; returns what was stored under `key`, and the
    /// config decoded without `key`, as from a model stored before that setting existed.
    private func stored(_ config: ModelConfig, without key: String) throws -> (value: Any?, old: ModelConfig) {
        let encoded = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: encoded), config)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        let value = object[key]
        object[key] = nil
        return (value, try JSONDecoder().decode(ModelConfig.self, from: JSONSerialization.data(withJSONObject: object)))
    }

    /// A model stored before state resets existed never resets.
    func testModelWithoutStateResetDecodes() throws {
        let config = ModelConfig(layers: 1, hidden: 8, maxPonder: 3, epsilon: 0.01, stateReset: 500)
        let (value, old) = try stored(config, without: "stateReset")
        XCTAssertEqual(value as? Int, 500)
        XCTAssertEqual(old.stateReset, 0)
        XCTAssertEqual(old.resetDescription, "state never reset")
    }

    /// The halting input is stored with the model; a model stored before it was a setting read [h ; c].
    func testHaltingInputIsStoredAndDefaultsToTheWholeState() throws {
        let config = ModelConfig(layers: 1, hidden: 8, maxPonder: 3, epsilon: 0.01, stateReset: 0,
                                 haltingInput: .hidden)
        let (value, old) = try stored(config, without: "haltingInput")
        XCTAssertEqual(value as? String, "h")
        XCTAssertEqual(old.haltingInput, .hiddenAndCell)
        XCTAssertEqual(ParameterLayout(config: config).layers[0].haltingWeights.count, 8)
        XCTAssertEqual(ParameterLayout(config: old).layers[0].haltingWeights.count, 16)
    }

    /// The halting scope is stored with the model; a model stored before it was a setting halted per layer.
    /// With the stack's scope only layer 1 has halting parameters.
    func testHaltingScopeIsStoredAndDefaultsToEachLayer() throws {
        let config = ModelConfig(layers: 3, hidden: 8, maxPonder: 3, epsilon: 0.01, stateReset: 0,
                                 haltingScope: .stack)
        let (value, old) = try stored(config, without: "haltingScope")
        XCTAssertEqual(value as? String, "stack")
        XCTAssertEqual(old.haltingScope, .layer)
        XCTAssertEqual(ParameterLayout(config: config).layers.map(\.haltingWeights.count), [16, 0, 0])
        XCTAssertEqual(ParameterLayout(config: config).layers.map(\.haltingBias.count), [1, 0, 0])
        XCTAssertEqual(ParameterLayout(config: old).layers.map(\.haltingWeights.count), [16, 16, 16])
        XCTAssertEqual(ParameterLayout(config: old).count - ParameterLayout(config: config).count, 2 * 17)
    }

    /// A run of known length decays over the last fraction of its steps after warm-up, never fewer than
    /// one step and never into the warm-up.
    func testPlanDecaySpansTheLastFractionAfterWarmup() throws {
        var options = TrainingOptions.defaults  // warm-up 100, fraction 0.2
        options.planDecay(endingAt: 1_100)
        XCTAssertEqual(options.schedule.decayBegins, 900)
        XCTAssertEqual(options.schedule.totalSteps, 1_100)
        XCTAssertNoThrow(try options.validate())
        options.planDecay(endingAt: 102)
        XCTAssertEqual(options.schedule.decayBegins, 101, "0.2 × 2 steps rounds to none: one step is kept")
        options.decayFraction = 1
        options.planDecay(endingAt: 600)
        XCTAssertEqual(options.schedule.decayBegins, 100, "the whole run after warm-up")
        XCTAssertEqual(options.schedule.rate(at: 100), options.schedule.peak)
        XCTAssertEqual(options.schedule.rate(at: 600), options.schedule.floor)
    }

    /// A --minutes session's decay is due once the last fraction of its budget has begun, and then ends
    /// at the step its speed so far reaches by the end of the budget.
    func testDecayStepsLeftOnceTheLastFractionOfTheMinutesBegins() {
        let options = TrainingOptions.defaults
        XCTAssertNil(options.decayStepsLeft(elapsedSeconds: 47, budgetSeconds: 60, sessionSteps: 470))
        XCTAssertEqual(options.decayStepsLeft(elapsedSeconds: 48, budgetSeconds: 60, sessionSteps: 480), 120)
        XCTAssertEqual(options.decayStepsLeft(elapsedSeconds: 70, budgetSeconds: 60, sessionSteps: 700), 0,
                       "past the budget: no steps left, so the decay ends where it begins")
        XCTAssertNil(options.decayStepsLeft(elapsedSeconds: 0, budgetSeconds: 0, sessionSteps: 0),
                     "no speed measured yet")
        XCTAssertEqual(options.decayShare, "20%")
    }

    func testLimits() throws {
        let limits = TrainingLimits(steps: 10, minutes: 1)
        XCTAssertNil(limits.reached(step: 9, chars: 0, epochs: 0, sessionSeconds: 59))
        XCTAssertEqual(limits.reached(step: 10, chars: 0, epochs: 0, sessionSeconds: 0), .steps)
        XCTAssertEqual(limits.reached(step: 0, chars: 0, epochs: 0, sessionSeconds: 60), .minutes)
        XCTAssertEqual(limits.remainingSeconds(step: 5, chars: 500, charsPerStep: 100, trainBytes: 10_000,
                                               sessionSeconds: 0, charsPerSecond: 100), 5)
        XCTAssertNil(TrainingLimits().remainingSeconds(step: 5, chars: 500, charsPerStep: 100, trainBytes: 10_000,
                                                       sessionSeconds: 0, charsPerSecond: 100))
        XCTAssertThrowsError(try TrainingLimits(minutes: -1).validate())
        XCTAssertThrowsError(try TrainingCadence(logEvery: 0).validate())
    }
}
