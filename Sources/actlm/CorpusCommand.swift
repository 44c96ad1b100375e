import ArgumentParser
import ACTLM

// Placeholder while the feature is built; replaced by the real command.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corpus", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'corpus' is not built yet") }
}
