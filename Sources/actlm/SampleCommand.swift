import ArgumentParser
import ACTLM

// Placeholder while the feature is built; replaced by the real command.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'sample' is not built yet") }
}
