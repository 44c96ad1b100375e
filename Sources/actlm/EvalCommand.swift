import ArgumentParser
import ACTLM

// Placeholder while the feature is built; replaced by the real command.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'eval' is not built yet") }
}
