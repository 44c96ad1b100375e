import Foundation

/// Processor time: on a machine shared with other jobs, what work costs where the wall clock says what
/// it got.
enum ProcessorTime {
    /// Seconds of processor time the whole process has had so far (user and system, every thread).
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
