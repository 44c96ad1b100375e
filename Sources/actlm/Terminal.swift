#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ACTLM
import Foundation

/// What the commands need to know about where their output goes.
enum Terminal {
    static var standardOutputIsTerminal: Bool { isatty(1) == 1 }
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// NO_COLOR (no-color.org) turns colour off whatever the output is.
    static var colorsAllowed: Bool { (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty }

    static var colors: TerminalColors { .fromEnvironment(ProcessInfo.processInfo.environment) }

    /// Writes `text` to standard error, for summaries and notes next to output on standard output.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
