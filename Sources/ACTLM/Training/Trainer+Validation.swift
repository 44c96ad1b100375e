/// Scoring the weights on the held-out bytes during training, and keeping the best.
extension Trainer {
    /// Scores the current weights on the held-out bytes without touching the training state; nil when
    /// the corpus has no validation part.
    /// A data-parallel run splits the segments among its ranks: all must call it together.
    public func validate() throws -> ValidationResult? {
        guard let evaluator else { return nil }
        return try evaluator.evaluate(parameters: parameters, step: step)
    }

    /// Validates (unless this step already was), keeps the statistics for the next checkpoint and notes a
    /// new best; a non-finite bpc is divergence.
    private func validateRecordingBest(report: (TrainingEvent) -> Void) throws -> ValidationResult? {
        guard let result = try validate() else { return nil }
        guard result.bpc.isFinite else {
            throw TrainingError.diverged(step: step, quantity: "validation loss", value: result.bpc,
                                         learningRate: options.schedule.rate(at: max(step - 1, 0)),
                                         lastCheckpoint: lastCheckpoint)
        }
        validation = TrainingCheckpoint.ValidationSummary(result)
        ponderStats = result.stats
        ponderTrace = result.trace
        let improved = bestValidBPC.map { result.bpc < $0 } ?? true
        if improved { bestValidBPC = result.bpc }
        report(.validated(result, improved: improved))
        return result
    }

    /// Validates, records this step's metrics with the validation bpc, and saves (best.ckpt too on a new
    /// best).
    func validateAndSave(report: (TrainingEvent) -> Void) throws {
        let result = try validateRecordingBest(report: report)
        try record(result)
        try save(best: result.map { $0.bpc == bestValidBPC } ?? false, report: report)
    }
}
