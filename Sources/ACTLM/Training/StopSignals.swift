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

    /// For the ranks of an MPI job: every Ctrl-C or SIGTERM only asks to stop (mpirun may pass a stop on
    /// more than once, and ends ranks that do not exit with SIGKILL itself). Once signalled, mpirun stops
    /// reading the ranks' standard output, so a write waiting for it would hold up the save until mpirun
    /// kills the rank: the write is interrupted (no SA_RESTART) and the output goes to /dev/null instead.
    public static func installForRank() {
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                receivedStopSignal = number
                let null = open("/dev/null", O_WRONLY)
                if null >= 0 {
                    dup2(null, STDOUT_FILENO)
                    close(null)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// The signal received, if any.
    public static var received: Int32? {
        receivedStopSignal == 0 ? nil : Int32(receivedStopSignal)
    }
}
