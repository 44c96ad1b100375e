import ArgumentParser
import ACTLM
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model's weights as a safetensors file, to run it without actlm.",
        discussion: """
            Writes every weight of the model (float32, little-endian) under a documented name and shape, \
            and in the header's __metadata__ every setting the forward pass needs: layers, hidden size, \
            M, ε, the halting input and scope, the state-reset interval, the format version. Nothing of \
            training (optimizer state, stream positions) is written. docs/using-a-model.md \
            lists the names and the equations they enter; reference/actlm_reference.py runs an export \
            with NumPy and scores a text exactly as `actlm eval` and `actlm ponder-map` do.

            The file is written as checkpoints are (a temporary file, fsync, rename): the output path \
            holds its old contents or the whole export, never a part, and a checkpoint that cannot be \
            read writes nothing.

            Examples:
              actlm export checkpoints/first/best.ckpt      # writes best.safetensors beside it
              actlm export checkpoints/first -o m.safetensors   # the run's newest checkpoint
              actlm export checkpoints/first/best.ckpt -o m.safetensors --json
              python3 reference/actlm_reference.py score m.safetensors text.txt
            """
    )

    @Argument(help: ArgumentHelp("The checkpoint, or a run folder to take the newest from.", valueName: "checkpoint"))
    var checkpoint: String

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Where to write the export (replaced if it exists). "
                               + "Default: beside the checkpoint, its name ending in .safetensors.", valueName: "file"))
    var output: String?

    @Flag(help: "Print one JSON object describing the export (snake_case keys) instead of a line of text.")
    var json = false

    func run() throws {
        let trained = try TrainedModel.load(checkpoint)
        let output = self.output ?? Self.defaultOutput(for: trained.path)
        try Self.checkOutput(output, checkpoint: trained.path)
        let export = ModelExport(trained)
        try export.write(to: output)
        let summary = ExportSummary(trained, output: output, export: export)
        if json {
            print(try JSONOutput.string(summary))
        } else {
            print("wrote \(output): \(trained.shape), \(grouped(summary.parameters)) parameters in "
                  + "\(summary.tensors.count) tensors, \(grouped(summary.bytes)) bytes (from \(trained.path))")
        }
    }

    /// `run/best.ckpt` → `run/best.safetensors`.
    static func defaultOutput(for checkpoint: String) -> String {
        let suffix = "." + CheckpointLocator.fileExtension
        return (checkpoint.hasSuffix(suffix) ? String(checkpoint.dropLast(suffix.count)) : checkpoint) + ".safetensors"
    }

    /// Refuses an output that is a folder or the checkpoint itself (same file, however it is named).
    static func checkOutput(_ output: String, checkpoint: String) throws {
        var outputStatus = stat(), checkpointStatus = stat()
        guard stat(output, &outputStatus) == 0 else { return }   // a new file
        if (outputStatus.st_mode & S_IFMT) == S_IFDIR { throw ExportError.outputIsDirectory(path: output) }
        if stat(checkpoint, &checkpointStatus) == 0, outputStatus.st_dev == checkpointStatus.st_dev,
           outputStatus.st_ino == checkpointStatus.st_ino {
            throw ExportError.outputIsCheckpoint(path: output)
        }
    }
}

/// `actlm export --json`.
private struct ExportSummary: Encodable {
    struct Tensor: Encodable {
        let name: String
        let shape: [Int]
    }

    let checkpoint: String
    let output: String
    let bytes: Int
    let parameters: Int
    let tensors: [Tensor]
    let metadata: [String: String]

    init(_ trained: TrainedModel, output: String, export: ModelExport) {
        checkpoint = trained.path
        self.output = output
        bytes = 8 + export.file.header.count + 4 * trained.parameters.count
        parameters = trained.parameters.count
        tensors = export.file.tensors.map { Tensor(name: $0.name, shape: $0.shape) }
        metadata = export.file.metadata
    }
}
