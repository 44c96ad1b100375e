import Foundation

private var receivedStopSignal: sig_atomic_t = 0

/// Ctrl-C and SIGTERM as a request to stop: the first one is only noted, so training can finish its step,
/// save a checkpoint and exit cleanly; a second one ends the process at once, as usual.
public enum StopSignals {
    public static func install() {
        for number in [SIGINT, SIGTERM] {
            _ = signal(number) { number in
                receivedStopSignal = number
                _ = signal(number, SIG_DFL)
            }
        }
    }

    /// The signal received, if any.
    public static var received: Int32? {
        receivedStopSignal == 0 ? nil : Int32(receivedStopSignal)
    }
}
