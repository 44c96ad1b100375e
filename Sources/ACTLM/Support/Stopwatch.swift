/// Seconds since it was made, read from a `TimeSource`: by default the monotonic wall clock, so that
/// changes to the time of day do not disturb speeds and ETAs.
public struct Stopwatch: Sendable {
    public let clock: TimeSource
    private let start: Double

    public init(clock: TimeSource = .wall) {
        self.clock = clock
        start = clock.seconds()
    }

    public var seconds: Double { clock.seconds() - start }
}
