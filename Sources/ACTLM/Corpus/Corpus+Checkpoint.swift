extension Corpus {
    /// The corpus a training checkpoint's run read, split as the run split it: the files the checkpoint
    /// names, each opened only if it is a regular file (`CorpusIdentity.openable`), unless the user names
    /// a file again (`path`, `validPath`).
    /// - `checkpointPath`: where the checkpoint was read from, for the messages.
    /// - `remedies`: the calling command's sentences that tell how to name the corpus and the validation
    ///   file again, for a stored path that is not a regular file.
    public convenience init(of checkpoint: TrainingCheckpoint, at checkpointPath: String, path: String? = nil,
                            validPath: String? = nil, remedies: (corpus: String, validation: String)) throws {
        let stored = checkpoint.corpus
        let corpus = try path ?? TrainingCheckpoint.CorpusIdentity.openable(
            stored.path, as: .corpus, checkpoint: checkpointPath, remedy: remedies.corpus)
        let validation = try validPath ?? stored.validPath.map {
            try TrainingCheckpoint.CorpusIdentity.openable($0, as: .validationFile, checkpoint: checkpointPath,
                                                           remedy: remedies.validation)
        }
        try self.init(path: corpus, validFraction: checkpoint.options.validFraction, validPath: validation)
    }
}
