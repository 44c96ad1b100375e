import ArgumentParser
import ACTLM

/// `--batch`, shared by the commands that score a text (eval, ponder-map).
struct ScoringOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Segments of the text (cut where the model's state resets) scored side by side; "
                               + "the result is the same for any value, only the speed differs.", valueName: "segments"))
    var batch = TextScorer.defaultBatch

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch \(batch): give at least 1 segment") }
    }

    /// A scorer for `config`: segments side by side use every core (the layers run as a wavefront), a
    /// model without resets reads one stream, on one thread (`TextScorer.context`).
    func scorer(for config: ModelConfig) -> TextScorer {
        TextScorer(config: config, batch: batch)
    }
}
