import ArgumentParser
import ACTLM
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a model on a text: bits per character and where it ponders.",
        discussion: """
            Runs the model once over the whole text (plain or gzip, or '-' for standard input; \
            streamed, in constant memory) with its state carried from byte to byte and reset where \
            training reset it, and reports the \
            bits per character over every byte after the first, the mean ponder ρ = N + R of each \
            layer, and how ρ differs between character classes: above 1, the boundary/inside ratio \
            says the layer ponders more at word boundaries (a space or tab after text, punctuation, \
            sentence ends, newlines; a gap space, a space or tab after a space, tab or newline as in \
            indentation, is not one) than inside words. Use it to compare models on the same held-out \
            text.

            It also says how well each signal marks word boundaries: each layer's ρ and N while \
            reading a byte, the next-step loss (of the prediction made at that byte), the byte's own \
            surprisal and the predictive entropy (of the same prediction as the loss), over the same \
            bytes (all but the first and last, within the first \
            \(grouped(PonderSignals.defaultCapacity)) bytes). For each: the ROC AUC (1: higher at \
            every boundary than at any other byte, 0.5: no signal), the average precision (the area \
            under the precision-recall curve, step-wise as scikit-learn computes it; a signal without \
            information scores about the share of boundaries) and the F1 where the signal marks as \
            many bytes as there are boundaries (its top k, ties by position, earliest first: no \
            threshold tuned on the text, and there precision = recall = F1). Then the AUC for each \
            kind of boundary (a space after text, punctuation, a sentence end, a newline) and for gap \
            spaces; and the mean ρ at digits, at '<' and on letters, beside the next-step loss there.

            --json prints one object with the keys bpc, mean_ponder and boundary_inside_ratio (lists \
            with one entry per layer; null where the text has no word boundaries or no word insides), \
            signals (per signal <signal>_auc, _average_precision, _precision, _recall and _f1 for \
            rho and steps in per_layer, and next_loss, surprisal and entropy; by_boundary_kind for \
            each kind; null where undefined), and more (see the output).

            Examples:
              actlm eval checkpoints/run-1/best.ckpt heldout.txt
              actlm eval checkpoints/run-1 heldout.txt.gz --json
            """
    )

    @Argument(help: ArgumentHelp("The checkpoint: a file, a run folder to take the newest from, 'latest' or "
                                 + "'best' (the best.ckpt of the run that saved last).", valueName: "checkpoint"))
    var checkpoint: String

    @Argument(help: ArgumentHelp("The text (plain or gzip); '-' reads standard input.", valueName: "text-file"))
    var file: String

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @OptionGroup var scoring: ScoringOptions

    func run() throws {
        let trained = try TrainedModel.load(checkpoint)
        let scorer = scoring.scorer(for: trained.config)
        let stream = try TextInput.open(file)
        let progress = ScoringProgress.onTerminal(for: stream, path: file)
        var signals = PonderSignals(layers: trained.config.layers)
        let evaluation = try scorer.run(parameters: trained.parameters, over: stream, row: { signals.add($0) },
                                        progress: { progress?.update($0) })
        progress?.clear()
        let metrics = signals.metrics()
        guard evaluation.bitsPerCharacter != nil else {
            throw TextInputError.tooShort(path: file, bytes: evaluation.bytes)
        }
        if json {
            print(try JSONOutput.string(EvalReport(trained, file, stream.format, evaluation, metrics)))
        } else {
            print(describe(trained, evaluation, metrics, format: stream.format))
        }
    }

    private func describe(_ trained: TrainedModel, _ evaluation: TextEvaluation, _ metrics: PonderSignalMetrics,
                          format: CorpusFormat) -> String {
        let layers = (0..<evaluation.layers)
        func list(_ values: [Double?], _ decimals: Int) -> String {
            layers.map { "layer \($0 + 1) " + (values[$0].map { String(format: "%.\(decimals)f", $0) } ?? "–") }
                .joined(separator: ", ")
        }
        let header = """
            checkpoint       \(trained.path) (\(trained.shape))
            text             \(file == "-" ? "standard input" : file) (\(format.rawValue), \(evaluation.bytes) bytes)
            bpc              \(String(format: "%.4f", evaluation.bitsPerCharacter!)) over \(evaluation.predictedBytes) predicted bytes
            mean ρ           \(list(evaluation.meanPonder, 3))
            mean N           \(list(evaluation.meanSteps, 3))
            boundary/inside  \(list(evaluation.boundaryToInsideRatio, 2)) (mean ρ at word boundaries / inside words)

            """
        return header + "\n" + metrics.text + "\n" + PonderReport(evaluation.stats, ponder: trained.config.ponder).text
    }
}

/// `actlm eval --json`: the keys experiments/run.sh reads (bpc, mean_ponder, boundary_inside_ratio,
/// signals), and the full ponder report.
private struct EvalReport: Encodable {
    let checkpoint: String
    let config: ModelConfig
    let text: String
    let format: CorpusFormat
    let bytes: Int64
    let predictedBytes: Int
    let bpc: Double
    let meanPonder: [Double?]
    let meanSteps: [Double?]
    let boundaryInsideRatio: [Double?]
    let ponder: PonderReport
    let signals: PonderSignalMetrics

    init(_ trained: TrainedModel, _ text: String, _ format: CorpusFormat, _ evaluation: TextEvaluation,
         _ signals: PonderSignalMetrics) {
        checkpoint = trained.path
        config = trained.config
        self.text = text
        self.format = format
        bytes = evaluation.bytes
        predictedBytes = evaluation.predictedBytes
        bpc = evaluation.bitsPerCharacter ?? .nan
        meanPonder = evaluation.meanPonder
        meanSteps = evaluation.meanSteps
        boundaryInsideRatio = evaluation.boundaryToInsideRatio
        ponder = PonderReport(evaluation.stats, ponder: trained.config.ponder)
        self.signals = signals
    }
}
