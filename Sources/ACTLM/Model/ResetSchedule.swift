/// When each stream's recurrent state is zeroed: before a window that would take it past `interval` bytes
/// since its last reset (0: never). Each stream counts from its own phase, so streams read side by side can
/// reset at different windows. The network owns it and advances it by every window it reads; whoever
/// creates the network sets it once.
public struct ResetSchedule: Equatable, Sendable {
    public let interval: Int
    /// Bytes each stream has read since its state was last zeroed.
    public private(set) var bytesSinceReset: [Int]

    /// Streams that have read `bytesSinceReset[b]` bytes since their state was zeroed.
    public init(interval: Int, bytesSinceReset: [Int]) {
        precondition(interval >= 0 && bytesSinceReset.allSatisfy { $0 >= 0 }, "a schedule counts bytes from 0")
        self.interval = interval
        self.bytesSinceReset = bytesSinceReset
    }

    /// Every stream starts from a zero state now.
    public init(interval: Int, streams: Int) {
        self.init(interval: interval, bytesSinceReset: Array(repeating: 0, count: streams))
    }

    /// Training's schedule at `step`, for windows of `window` bytes: with K windows between resets, stream
    /// b resets at the steps where (step + b·K/B) is a multiple of K, so each window mixes streams at every
    /// distance from their last reset. Set from the step, it needs nothing more in a checkpoint to resume.
    public static func staggered(interval: Int, streams: Int, window: Int, step: Int) -> ResetSchedule {
        let windows = interval / window
        guard windows > 0 else { return ResetSchedule(interval: interval, streams: streams) }
        return ResetSchedule(interval: interval, bytesSinceReset: (0..<streams).map { b in
            let phase = (step + b * windows / streams) % windows
            return (phase == 0 ? windows : phase) * window
        })
    }

    /// The schedule of `streams` alone (a data-parallel replica's share), each at its phase here.
    public func keeping(_ streams: Range<Int>) -> ResetSchedule {
        ResetSchedule(interval: interval, bytesSinceReset: Array(bytesSinceReset[streams]))
    }

    /// Whether stream `b` is zeroed before reading `length` more bytes.
    public func isDue(stream b: Int, reading length: Int) -> Bool {
        interval > 0 && bytesSinceReset[b] > 0 && bytesSinceReset[b] + length > interval
    }

    /// Counts a window of `length` bytes read by every stream, zeroing (`reset`) first those due.
    mutating func advance(reading length: Int, reset: (_ stream: Int) -> Void) {
        for b in bytesSinceReset.indices {
            if isDue(stream: b, reading: length) {
                reset(b)
                bytesSinceReset[b] = 0
            }
            bytesSinceReset[b] += length
        }
    }

    /// Every stream starts again from a zero state.
    mutating func restart() {
        bytesSinceReset = Array(repeating: 0, count: bytesSinceReset.count)
    }
}
