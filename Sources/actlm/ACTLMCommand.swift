import ACTLM
import ArgumentParser

@main
struct ACTLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actlm",
        abstract: "Train byte-level ACT-LSTM language models and see where they ponder.",
        discussion: """
            Typical use:
              actlm corpus corpora/wiki.gz          check a corpus
              actlm train corpora/wiki.gz           train; checkpoints go to checkpoints/
              actlm sample --prime "The "           generate text from the newest checkpoint
              actlm ponder-map some.txt             where the model thinks harder, per character
              actlm eval run/best.ckpt valid.txt    score a model on a text: bpc, ponder
              actlm report checkpoints/<run>        a page of learning curves and ponder, runs side by side
              actlm export run/best.ckpt -o m.safetensors   the weights for other tools (safetensors)
            """,
        version: ACTLMVersion.string,
        subcommands: [
            TrainCommand.self, SampleCommand.self, PonderMapCommand.self, EvalCommand.self,
            InspectCommand.self, ReportCommand.self, ExportCommand.self, CorpusCommand.self, BenchCommand.self,
        ]
    )
}
