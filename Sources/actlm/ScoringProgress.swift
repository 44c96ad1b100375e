import ACTLM
import Foundation

/// "scored 1.2 MB, 52.0 KB/s, 30%, 54 s left, bpc 1.873" on standard error about once a second, for
/// long texts on a terminal; the time left is estimated from how much of the file has been read (none
/// for standard input).
final class ScoringProgress {
    private let watch = Stopwatch()
    private var lastShown = 0.0          // seconds on `watch` when the line was last drawn
    private let stream: ByteStream
    private let fileSize: Int64?
    private var shown = false

    /// A progress line for `stream` when standard error is a terminal (and `alsoWhen` holds), else nil.
    static func onTerminal(for stream: ByteStream, path: String, alsoWhen condition: Bool = true) -> ScoringProgress? {
        Terminal.standardErrorIsTerminal && condition ? ScoringProgress(stream: stream, path: path) : nil
    }

    private init(stream: ByteStream, path: String) {
        self.stream = stream
        let attributes = path == "-" ? nil : try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.int64Value
    }

    func update(_ evaluation: TextEvaluation) {
        let seconds = watch.seconds
        guard seconds - lastShown >= 1 else { return }
        lastShown = seconds
        let rate = Double(evaluation.bytes) / max(seconds, 1e-9)
        let bytes = Double(evaluation.bytes)
        var line = bytes < 1e6 ? String(format: "scored %.0f KB", bytes / 1e3) : String(format: "scored %.1f MB", bytes / 1e6)
        line += String(format: ", %.1f KB/s", rate / 1e3)
        if let fileSize, fileSize > 0, stream.fileBytesConsumed > 0 {
            let fraction = min(Double(stream.fileBytesConsumed) / Double(fileSize), 1)
            line += String(format: ", %.0f%%, %.0f s left", 100 * fraction, seconds * (1 - fraction) / fraction)
        }
        if let bpc = evaluation.bitsPerCharacter { line += String(format: ", bpc %.3f", bpc) }
        Terminal.note("\r\u{1B}[K" + line)
        shown = true
    }

    func clear() {
        if shown { Terminal.note("\r\u{1B}[K") }
    }
}
