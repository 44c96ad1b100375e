import ACTLM
import Foundation

/// What `actlm train` prints: a header, a progress line rewritten in place on a terminal (a plain line
/// per metrics record otherwise, so logs and pipes stay readable), validation lines and a summary.
final class TrainingConsole {
    private let trainer: Trainer
    private let limits: TrainingLimits
    private let cadence: TrainingCadence
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lineOpen = false
    private var lastDraw = Stopwatch()
    private var drawn = false

    init(trainer: Trainer, limits: TrainingLimits, cadence: TrainingCadence) {
        self.trainer = trainer
        self.limits = limits
        self.cadence = cadence
    }

    func announce() {
        if trainer.step > 0 {
            emit("resuming \(trainer.lastCheckpoint ?? trainer.folder.latest) at step \(grouped(trainer.step)) "
                 + "(\(bytes(trainer.chars)), \(String(format: "%.2f", trainer.epochs)) epochs)")
        }
        emit("run folder  \(trainer.folder.path)")
        RunDescription(trainer.options).text(minutesLimited: limits.minutes != nil).forEach(emit)
        let info = trainer.corpus.info
        let validation = trainer.validationChars > 0
            ? "validating on \(grouped(trainer.validationChars)) held-out bytes "
                + (cadence.evalEvery > 0 ? "every \(cadence.evalEvery) steps" : "at the end")
            : "no validation part"
        emit("corpus      \(info.path): \(grouped(Int(info.trainBytes))) training bytes; \(validation)")
        var stops: [String] = []
        if let steps = limits.steps { stops.append("step \(grouped(steps))") }
        if let chars = limits.chars { stops.append("\(bytes(chars))") }
        if let epochs = limits.epochs { stops.append("\(epochs) epochs") }
        if let minutes = limits.minutes { stops.append("\(minutes) minutes") }
        emit("stops       " + (stops.isEmpty ? "" : "at " + stops.joined(separator: " or ") + ", or ")
             + "on Ctrl-C (saves first)")
    }

    func show(_ event: TrainingEvent) {
        switch event {
        case let .progress(progress):
            let line = describe(progress)
            if isTerminal {
                guard progress.isRecorded || !drawn || lastDraw.seconds >= 0.25 else { return }
                lastDraw = Stopwatch()
                drawn = true
                FileHandle.standardOutput.write(Data(("\r" + line + "\u{1B}[K").utf8))
                lineOpen = true
            } else if progress.isRecorded {
                emit(line)
            }
        case let .validated(result, improved):
            emit("step \(grouped(result.step)) validation: bpc \(String(format: "%.4f", result.bpc))"
                 + (improved ? " (best so far)" : " (best \(String(format: "%.4f", trainer.bestValidBPC ?? .nan)))")
                 + ", ρ per layer \(rhos(result.meanRho)) on \(grouped(result.chars)) bytes")
        case .saved:
            break
        case let .decayFixed(schedule):
            emit("step \(grouped(schedule.decayBegins)): the \(schedule.decay.rawValue) decay to lr \(schedule.floor) begins, "
                 + "to end at step \(grouped(schedule.totalSteps)) as the minutes run out")
        case let .warning(message):
            let clear = lineOpen ? "\r\u{1B}[K" : ""
            lineOpen = false
            FileHandle.standardError.write(Data((clear + "warning: " + message + "\n").utf8))
        }
    }

    func summarise(_ outcome: TrainingOutcome) {
        let why = outcome.reason == .signal
            ? "stopped by \(StopSignals.received == SIGTERM ? "SIGTERM" : "Ctrl-C")"
            : "reached \(outcome.reason.flag)"
        emit("\(why) at step \(grouped(outcome.step)): \(bytes(outcome.chars)) "
             + "(\(String(format: "%.2f", outcome.epochs)) epochs), \(grouped(Int(outcome.charsPerSecond))) chars/s")
        if let validation = outcome.validation {
            emit("validation bpc \(String(format: "%.4f", validation.bpc)) at step \(grouped(validation.step)) "
                 + "(best \(String(format: "%.4f", outcome.bestValidBPC ?? .nan))), ρ per layer \(rhos(validation.meanRho))")
        }
        if let saved = outcome.saved {
            let best = FileManager.default.fileExists(atPath: trainer.folder.best) ? ", best: \(trainer.folder.best)" : ""
            emit("saved \(saved)\(best)")
        } else if outcome.sessionSteps == 0 {
            emit("nothing to do: the run is already at step \(grouped(outcome.step)); raise the limit to train on")
        }
        emit("metrics \(trainer.folder.metrics)")
    }

    /// Ends a progress line left open on the terminal.
    func endLine() {
        if lineOpen {
            FileHandle.standardOutput.write(Data("\n".utf8))
            lineOpen = false
        }
    }

    /// A line that stays; on a terminal it replaces the progress line, which is drawn again next step.
    private func emit(_ line: String) {
        let clear = lineOpen ? "\r\u{1B}[K" : ""
        lineOpen = false
        FileHandle.standardOutput.write(Data((clear + line + "\n").utf8))
    }

    private func describe(_ p: TrainingProgress) -> String {
        let eta = p.etaSeconds.map { "ETA " + duration($0) } ?? "ETA –"
        return "step \(grouped(p.step))  \(bytes(p.chars)) (\(String(format: "%.2f", p.epochs)) ep)  "
            + "\(grouped(Int(p.charsPerSecond))) chars/s  bpc \(String(format: "%.3f", p.trainBPC))  "
            + "ρ \(rhos(p.meanRho))  lr \(String(format: "%.2e", p.learningRate))  \(eta)"
    }

    private func rhos(_ values: [Double]) -> String {
        values.map { String(format: "%.2f", $0) }.joined(separator: " ")
    }

    private func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }

    private func bytes(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.2fG chars", Double(n) / 1e9) }
        if n >= 1_000_000 { return String(format: "%.2fM chars", Double(n) / 1e6) }
        if n >= 10_000 { return String(format: "%.1fk chars", Double(n) / 1e3) }
        return "\(n) chars"
    }
}
