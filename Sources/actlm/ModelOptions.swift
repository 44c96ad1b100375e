import ArgumentParser
import ACTLM

/// `--checkpoint`, shared by every command that runs a trained model.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("checkpoint"),
            help: ArgumentHelp("The checkpoint to use, or a run folder to take the newest from. "
                               + "Default: the newest *.ckpt under checkpoints/.", valueName: "path"))
    var path: String?

    func load() throws -> TrainedModel {
        try TrainedModel.load(path)
    }
}
