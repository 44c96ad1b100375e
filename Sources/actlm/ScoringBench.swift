import ACTLM
import ArgumentParser
import Foundation

/// `actlm bench --scoring`: the options, and the report of `ScoringBenchmark`.
struct ScoringBenchOptions: ParsableArguments {
    @Flag(name: .customLong("scoring"), help: ArgumentHelp(
        "Measure scoring instead of training (eval, ponder-map, validation): KB/s over the corpus's held-out "
        + "part (the last 5%) and achieved FLOP/s against the matrix products alone on the same shapes. Uses --layers, "
        + "--hidden and --max-ponder for a fresh model, or the trained model of --checkpoint (how long it ponders "
        + "sets the work)."))
    var enabled = false

    @Option(name: .customLong("scoring-batch"), help: ArgumentHelp(
        "With --scoring: segments side by side.", valueName: "segments"))
    var batch = TextScorer.defaultBatch
}

extension BenchCommand {
    func runScoring() throws {
        guard scoring.batch >= 1 else { throw ValidationError("--scoring-batch must be at least 1") }
        let model: TrainedModel
        if let checkpoint {
            model = try TrainedModel.load(try CheckpointLocator.locate(checkpoint, for: .resume))
        } else {
            let start = try TrainingStart.fresh(self.model.settings.applied(to: .defaults))
            model = TrainedModel(path: "a fresh model", config: start.options.model, parameters: start.parameters)
        }
        let corpus = try Corpus(path: corpusPath, validFraction: TrainingOptions.defaults.validFraction)
        let result = try ScoringBenchmark.run(model: model, corpus: corpus, batch: scoring.batch) { line in
            if !json { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
        }
        if json {
            print(try JSONOutput.string(result))
            return
        }
        let ponder = result.meanPonder.map { String(format: "%.2f", $0) }.joined(separator: " / ")
        print("""
            model        \(model.path): \(RunDescription.shape(model.config)), \(model.config.resetDescription)
            machine      \(result.cpu); \(result.blas)
            scored       \(grouped(Int(result.bytes))) bytes in \(String(format: "%.2f", result.seconds)) s, \(result.batch) segments side by side, bpc \(String(format: "%.3f", result.bpc))
            speed        \(String(format: "%.1f", result.kilobytesPerSecond)) KB/s
            mean ponder  \(ponder) (ρ per layer)
            achieved     \(String(format: "%.1f", result.achievedGFLOPs)) GFLOP/s (matrix work, forward)
            products     \(String(format: "%.1f", result.sgemmGFLOPs)) GFLOP/s alone on the same shapes
            ratio        \(String(format: "%.0f", 100 * result.ratio))% of the products' rate alone
            """)
    }
}
