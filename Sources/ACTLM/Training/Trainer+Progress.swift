/// What a step leaves for people: a metrics record every `--log-every` steps and the progress report
/// after every step.
extension Trainer {
    /// Appends a metrics record of the steps since the last one (`validated`: this step's validation).
    func record(_ validated: ValidationResult?) throws {
        tally.recordedStep = step
        if tally.sinceRecord.count > 0 { tally.lastRecorded = tally.sinceRecord }
        try metrics?.append(MetricsRecord(
            step: step, chars: chars, elapsedSeconds: elapsedBefore + session.seconds,
            trainBPC: tally.lastRecorded.bitsPerCharacter, validBPC: validated?.bpc, learningRate: tally.rate,
            gradNorm: tally.norm, meanRho: tally.lastRecorded.meanPonder, charsPerSecond: tally.speed))
        tally.sinceRecord = WindowLoss(layers: options.model.layers)
    }

    /// Where training stands after this step; `shown` is the steps since the last record as they were
    /// before this step's record (if any) started a new count.
    func progress(_ shown: WindowLoss, isRecorded: Bool, limits: TrainingLimits) -> TrainingProgress {
        TrainingProgress(
            step: step, chars: chars, epochs: epochs, trainBPC: shown.bitsPerCharacter, meanRho: shown.meanPonder,
            learningRate: tally.rate, gradNorm: tally.norm, charsPerSecond: tally.speed,
            etaSeconds: limits.remainingSeconds(step: step, chars: chars, charsPerStep: options.batch * options.seq,
                                                trainBytes: corpus.info.trainBytes, sessionSeconds: session.seconds,
                                                charsPerSecond: tally.speed),
            isRecorded: isRecorded)
    }
}
