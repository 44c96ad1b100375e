/// Why training could not start or go on; each message says what to do.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    /// A non-finite loss or gradient at `step` (the update that failed); nothing was saved after it.
    case diverged(step: Int, quantity: String, value: Double, learningRate: Double, lastCheckpoint: String?)
    case runExists(path: String)
    case resumeConflict([String])
    case corpusChanged(path: String, detail: String)
    case validationTooShort(bytes: Int, batch: Int)

    public var description: String {
        switch self {
        case let .invalidOption(message):
            return message
        case let .diverged(step, quantity, value, rate, last):
            let kept = last.map { "The last good checkpoint, \($0), was left as it was." }
                ?? "No checkpoint was written in this run."
            return "training diverged at step \(step): the \(quantity) is \(value). \(kept) "
                + "Start again with a lower --lr (it was \(rate)), a longer --warmup or a smaller --clip."
        case let .runExists(path):
            return "\(path) already holds a run. Continue it with --resume \(path)/latest.ckpt, choose another "
                + "--run-name, or delete the folder."
        case let .resumeConflict(differences):
            return "--resume continues with the settings stored in the checkpoint, but "
                + differences.joined(separator: "; ")
                + ". Drop these flags to resume, or start a new run to train with other settings."
        case let .corpusChanged(path, detail):
            return "'\(path)' is not the corpus the checkpoint was trained on (\(detail)). Resume with the same "
                + "corpus, --valid-fraction and --valid as the original run."
        case let .validationTooShort(bytes, batch):
            return "validation needs at least 2 bytes for each of the \(batch) streams of the batch but has \(bytes). "
                + "Raise --valid-fraction or --valid-chars, give a larger --valid FILE, or lower --batch."
        }
    }
}
