import ArgumentParser
import ACTLM

// Placeholder while the feature is built; replaced by the real command.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(not built yet)")
    func run() throws { throw ValidationError("'train' is not built yet") }
}
