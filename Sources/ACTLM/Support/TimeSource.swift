import Foundation

/// Where a timing reads its seconds. The wall clock says what a job got; on a machine shared with other
/// jobs, processor time says what the work cost.
/// Every timing in actlm reads one of these, most through a `Stopwatch`.
public enum TimeSource: Sendable {
    /// Real time on the monotonic clock: setting the time of day does not move it.
    case wall
    /// The whole process's processor time (user and system, every thread).
    case processor

    /// Seconds from an arbitrary origin, fixed for the process: only differences mean anything.
    func seconds() -> Double {
        switch self {
        case .wall:
            return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        case .processor:
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
    }
}
