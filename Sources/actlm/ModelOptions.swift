import ArgumentParser
import ACTLM

/// `--checkpoint`, shared by every command that runs a trained model.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("checkpoint"),
            help: ArgumentHelp("The checkpoint to use: a file, a run folder to take the newest from, 'latest' "
                               + "or 'best' (the best.ckpt of the run that saved last). Default: the newest "
                               + "*.ckpt under checkpoints/.", valueName: "path"))
    var path: String?

    func load() throws -> TrainedModel {
        try TrainedModel.load(path)
    }
}
