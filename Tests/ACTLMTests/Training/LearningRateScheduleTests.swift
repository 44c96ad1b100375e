import Foundation
import XCTest
import ACTLM

final class LearningRateScheduleTests: XCTestCase {
    func testConstant() {
        let schedule = LearningRateSchedule(peak: 0.002)
        XCTAssertEqual(schedule.rate(at: 0), 0.002)
        XCTAssertEqual(schedule.rate(at: 1_000_000), 0.002)
        XCTAssertNoThrow(try schedule.validate())
    }

    func testWarmup() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 4)
        XCTAssertEqual((0..<6).map(schedule.rate(at:)), [0.25, 0.5, 0.75, 1, 1, 1])
    }

    func testLinearDecayAfterWarmup() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 2, decay: .linear, totalSteps: 12, floor: 0.1)
        XCTAssertEqual(schedule.rate(at: 0), 0.5)
        XCTAssertEqual(schedule.rate(at: 2), 1)
        XCTAssertEqual(schedule.rate(at: 7), 0.55, accuracy: 1e-12)   // half-way through the decay
        XCTAssertEqual(schedule.rate(at: 11), 0.19, accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 12), 0.1)
        XCTAssertEqual(schedule.rate(at: 100), 0.1)
    }

    func testCosineDecay() {
        let schedule = LearningRateSchedule(peak: 2, decay: .cosine, totalSteps: 100, floor: 0)
        XCTAssertEqual(schedule.rate(at: 0), 2)
        XCTAssertEqual(schedule.rate(at: 25), 1 + cos(Double.pi / 4), accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 50), 1, accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 100), 0)
        let rates = (0...100).map(schedule.rate(at:))
        XCTAssertEqual(rates, rates.sorted(by: >), "never rises")
    }

    func testDecayOverTheLastPart() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 2, decay: .linear, totalSteps: 12, floor: 0,
                                            decayStart: 8)
        XCTAssertEqual((0..<13).map(schedule.rate(at:)), [0.5, 1, 1, 1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25, 0])
    }

    /// A decay waiting for the run's speed holds the peak; once fixed it runs from where it was fixed.
    func testPendingDecayHoldsThePeakUntilFixed() throws {
        var schedule = LearningRateSchedule(peak: 2, warmupSteps: 4, decay: .cosine, floor: 0)
        XCTAssertTrue(schedule.isPending)
        XCTAssertNoThrow(try schedule.validate())
        XCTAssertEqual((0..<8).map(schedule.rate(at:)), [0.5, 1, 1.5, 2, 2, 2, 2, 2])
        XCTAssertEqual(schedule.rate(at: 1_000_000), 2)
        schedule.fixDecay(from: 100, to: 200)
        XCTAssertFalse(schedule.isPending)
        XCTAssertEqual(schedule.rate(at: 99), 2)
        XCTAssertEqual(schedule.rate(at: 100), 2)
        XCTAssertEqual(schedule.rate(at: 150), 1, accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 200), 0)
        // Fixed during the warm-up, or with no steps left, it still begins after the warm-up and ends later.
        var early = LearningRateSchedule(peak: 2, warmupSteps: 4, decay: .cosine)
        early.fixDecay(from: 1, to: 3)
        XCTAssertEqual(early.decayBegins, 4)
        XCTAssertEqual(early.totalSteps, 5)
        XCTAssertNoThrow(try early.validate())
    }

    func testValidationMessages() {
        let cases: [(LearningRateSchedule, String)] = [
            (LearningRateSchedule(peak: 0), "the learning rate must be positive (got 0.0)"),
            (LearningRateSchedule(peak: 1, warmupSteps: -1), "warm-up steps must be 0 or more (got -1)"),
            (LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine, totalSteps: 10),
             "a cosine decay needs more total steps (10) than warm-up steps (10)"),
            (LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine, totalSteps: 20, decayStart: 20),
             "a cosine decay needs more total steps (20) than the step it begins at (20)"),
            (LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine, totalSteps: 20, decayStart: 5),
             "the decay cannot begin (at step 5) before the warm-up ends (step 10)"),
            (LearningRateSchedule(peak: 1, decay: .linear, totalSteps: 10, floor: 2),
             "the final learning rate must be between 0 and the peak 1.0 (got 2.0)"),
        ]
        for (schedule, message) in cases {
            XCTAssertThrowsError(try schedule.validate()) { error in
                XCTAssertEqual("\(error)", "invalid learning-rate schedule: " + message)
            }
        }
    }

    func testCodable() throws {
        let schedule = LearningRateSchedule(peak: 0.003, warmupSteps: 100, decay: .cosine, totalSteps: 5000, floor: 1e-4)
        let data = try JSONEncoder().encode(schedule)
        XCTAssertEqual(try JSONDecoder().decode(LearningRateSchedule.self, from: data), schedule)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"decay\":\"cosine\""))
        let fixed = LearningRateSchedule(peak: 0.003, warmupSteps: 100, decay: .cosine, totalSteps: 5000, decayStart: 4000)
        XCTAssertEqual(try JSONDecoder().decode(LearningRateSchedule.self, from: JSONEncoder().encode(fixed)), fixed)
        // Written before decays could begin late: the decay began at the warm-up's end.
        let old = #"{"peak":0.003,"warmupSteps":100,"decay":"cosine","totalSteps":5000,"floor":0}"#
        let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: Data(old.utf8))
        XCTAssertEqual(decoded.decayBegins, 100)
        XCTAssertEqual(decoded.rate(at: 2550), 0.0015, accuracy: 1e-12)
    }
}
