import XCTest
import ACTLM

final class ResetScheduleTests: XCTestCase {
    /// Training's stagger: with 4 windows between resets and 8 streams, stream b resets at the steps where
    /// (step + b/2) is a multiple of 4; and the schedule set from step s is the one step 0 reaches by then,
    /// so a resumed run resets exactly as the run it continues.
    func testStaggeredStreamsResetInTurnAndResumeWhereTheyWere() {
        let window = 10, streams = 8
        var running = ResetSchedule.staggered(interval: 4 * window, streams: streams, window: window, step: 0)
        for step in 0..<12 {
            XCTAssertEqual(running, .staggered(interval: 4 * window, streams: streams, window: window, step: step))
            let due = (0..<streams).filter { running.isDue(stream: $0, reading: window) }
            XCTAssertEqual(due, (0..<streams).filter { (step + $0 / 2) % 4 == 0 }, "step \(step)")
            // What the network does with a window: streams due start again from zero, all read it.
            let read = running.bytesSinceReset.enumerated().map { due.contains($0.offset) ? window : $0.element + window }
            running = ResetSchedule(interval: running.interval, bytesSinceReset: read)
        }
    }

    /// Without resets nothing is ever due; a fresh stream is not due either, whatever it reads first.
    func testNeverAndFresh() {
        let never = ResetSchedule(interval: 0, bytesSinceReset: [1_000_000])
        XCTAssertFalse(never.isDue(stream: 0, reading: 100))
        XCTAssertFalse(ResetSchedule(interval: 5, streams: 1).isDue(stream: 0, reading: 100))
        XCTAssertTrue(ResetSchedule(interval: 5, bytesSinceReset: [3]).isDue(stream: 0, reading: 3))
        XCTAssertFalse(ResetSchedule(interval: 5, bytesSinceReset: [3]).isDue(stream: 0, reading: 2))
    }
}
