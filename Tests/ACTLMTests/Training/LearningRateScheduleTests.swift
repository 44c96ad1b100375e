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

    func testValidationMessages() {
        let cases: [(LearningRateSchedule, String)] = [
            (LearningRateSchedule(peak: 0), "the learning rate must be positive (got 0.0)"),
            (LearningRateSchedule(peak: 1, warmupSteps: -1), "warm-up steps must be 0 or more (got -1)"),
            (LearningRateSchedule(peak: 1, warmupSteps: 10, decay: .cosine, totalSteps: 10),
             "a cosine decay needs more total steps (10) than warm-up steps (10)"),
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
    }
}
