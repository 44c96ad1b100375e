import ArgumentParser
import ACTLM

// Placeholder while the feature is built; replaced by the real command.
struct PonderMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ponder-map", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'ponder-map' is not built yet") }
}
