import ArgumentParser
import ACTLM
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a training checkpoint holds: model, progress, validation and where the model ponders.",
        discussion: """
            The ponder statistics come from the checkpoint's last validation: mean ponder cost ρ by \
            character class and layer, whether word boundaries get more computation than word insides, \
            the histogram of ponder steps N, and N for every byte of a fixed held-out excerpt. On that \
            excerpt (the first --trace-chars held-out bytes, 1,000 by default), how well each layer's ρ \
            and N mark word boundaries (ROC AUC, average precision and F1 at the top k, k = the number \
            of boundaries; the AUC by kind too), beside the next-step loss, each byte's own surprisal \
            and the predictive entropy (checkpoints written before the excerpt kept them show ρ and N \
            only), and mean ρ at digits, '<' and letters (as actlm eval reports them for a whole text).

            Examples:
              actlm inspect checkpoints/run-20261126-031500/best.ckpt
              actlm inspect checkpoints/first/latest.ckpt --json
            """
    )

    @Argument(help: ArgumentHelp("A checkpoint file, a run folder (its last save), 'latest' (the last save under "
                                 + "checkpoints/) or 'best' (the best.ckpt of the run that saved last).",
                                 valueName: "checkpoint|folder|latest|best"))
    var checkpoint: String

    @Flag(help: "Print one JSON object (snake_case keys) instead of text.")
    var json = false

    func run() throws {
        let path = try CheckpointLocator.locate(checkpoint)
        let checkpoint = try TrainingCheckpoint.read(from: path)
        let report = InspectReport(path: path, checkpoint)
        if json {
            print(try JSONOutput.string(report, pretty: true))
        } else {
            print(text(path, checkpoint, report.ponder), terminator: "")
        }
    }

    private func text(_ path: String, _ c: TrainingCheckpoint, _ ponder: PonderReport) -> String {
        let f4 = { (x: Double) in String(format: "%.4f", x) }
        var lines = ["checkpoint  \(path) (written by actlm \(c.writtenBy))"]
        lines += RunDescription(c.options).text()
        lines += [
            "corpus      \(c.corpus.path): \(grouped(Int(c.corpus.trainBytes))) training, "
                + "\(grouped(Int(c.corpus.validBytes))) validation bytes"
                + (c.corpus.validPath.map { " (from \($0))" } ?? ""),
            "progress    step \(grouped(c.step)), \(grouped(c.chars)) bytes (\(String(format: "%.2f", c.epochs)) "
                + "epochs), \(String(format: "%.1f", c.elapsedSeconds / 60)) minutes",
        ]
        if let v = c.validation {
            lines.append("validation  bpc \(f4(v.bpc)) at step \(grouped(v.step)) on \(grouped(v.chars)) bytes "
                + "(best \(f4(c.bestValidBPC ?? v.bpc))); mean ρ per layer "
                + v.meanRho.map { String(format: "%.2f", $0) }.joined(separator: " "))
        } else if c.corpus.validBytes == 0 {
            lines.append("validation  none: the run trains without a validation part (--valid-fraction 0)")
        } else {
            lines.append("validation  none yet: the run was saved before its first validation")
        }
        var out = lines.joined(separator: "\n") + "\n\n"
        if let v = c.validation {
            out += "Ponder statistics of the validation at step \(grouped(v.step)):\n\n"
            out += ponder.text
            if !c.ponderTrace.text.isEmpty {
                out += "\nOn the held-out excerpt this validation recorded (its first \(grouped(c.ponderTrace.text.count)) bytes):\n\n"
                out += PonderSignals(trace: c.ponderTrace).metrics().text
                out += "\n" + PonderReport.traceText(c.ponderTrace)
            }
        }
        return out
    }
}

/// The JSON shape of `actlm inspect --json`.
private struct InspectReport: Encodable {
    struct Progress: Encodable {
        let step: Int
        let chars: Int
        let epochs: Double
        let elapsedSeconds: Double
    }

    let path: String
    let writtenBy: String
    let config: ModelConfig
    let parameters: Int
    let options: TrainingOptions
    let corpus: TrainingCheckpoint.CorpusIdentity
    let progress: Progress
    let validation: TrainingCheckpoint.ValidationSummary?
    let bestValidBpc: Double?
    let ponder: PonderReport
    /// The signal metrics of the recorded excerpt.
    let signals: PonderSignalMetrics
    let trace: PonderTrace

    init(path: String, _ c: TrainingCheckpoint) {
        self.path = path
        writtenBy = c.writtenBy
        config = c.config
        parameters = c.parameters.count
        options = c.options
        corpus = c.corpus
        progress = Progress(step: c.step, chars: c.chars, epochs: c.epochs, elapsedSeconds: c.elapsedSeconds)
        validation = c.validation
        bestValidBpc = c.bestValidBPC
        ponder = PonderReport(c.ponderStats, ponder: c.config.ponder)
        signals = PonderSignals(trace: c.ponderTrace).metrics()
        trace = c.ponderTrace
    }
}
