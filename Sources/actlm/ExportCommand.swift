import ArgumentParser
import ACTLM
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model's weights as a safetensors file, or as a web page that runs it as you type.",
        discussion: """
            --format safetensors (the default) writes every weight of the model (float32, little-endian) \
            under a documented name and shape, and in the header's __metadata__ every setting the forward \
            pass needs: layers, hidden size, M, ε, the halting input and scope, the state-reset interval, \
            the format version. Nothing of training (optimizer state, stream positions) is written. docs/using-a-model.md \
            lists the names and the equations they enter; reference/actlm_reference.py runs an export \
            with NumPy and scores a text exactly as `actlm eval` and `actlm ponder-map` do.

            --format html writes one self-contained page (no network, no server, no file beside it; \
            open it from disk in Chromium or Firefox, or send it to anyone): the weights and settings, a \
            forward pass in JavaScript and WebAssembly, and a text box filled with the first lines of the \
            checkpoint's held-out excerpt. As you type it scores the text as `actlm eval` does and shows ρ \
            of every layer per character as a heat map, the bits of surprise, the model's next guesses, \
            bpc, mean ρ and the word-boundary AUC; it continues the text as `actlm sample` does. \
            model.html?text=URL-ENCODED-TEXT opens with that text and holds its ponder map, as \
            `actlm ponder-map --format tsv` writes it, in <pre id="ponder-tsv"> (see docs/browser-page.md).

            The file is written as checkpoints are (a temporary file, fsync, rename): the output path \
            holds its old contents or the whole export, never a part, and a checkpoint that cannot be \
            read writes nothing.

            Examples:
              actlm export checkpoints/first/best.ckpt      # writes best.safetensors beside it
              actlm export checkpoints/first -o m.safetensors   # the run's newest checkpoint
              actlm export checkpoints/first/best.ckpt -o m.safetensors --json
              python3 reference/actlm_reference.py score m.safetensors text.txt
              actlm export checkpoints/first/best.ckpt --format html -o model.html
              chromium --headless --dump-dom "file://$PWD/model.html?text=Hello%20world"
            """
    )

    @Argument(help: ArgumentHelp("The checkpoint, or a run folder to take the newest from.", valueName: "checkpoint"))
    var checkpoint: String

    @Option(name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Where to write the export (replaced if it exists). "
                               + "Default: beside the checkpoint, its name ending in .safetensors (or .html).",
                               valueName: "file"))
    var output: String?

    @Option(help: "safetensors (the weights, for other programs) or html (a page that runs the model).")
    var format: ExportFormat = .safetensors

    @Flag(help: "Print one JSON object describing the export (snake_case keys) instead of a line of text.")
    var json = false

    func run() throws {
        // One read of the checkpoint, through the checks every command applies; the page also takes the
        // held-out excerpt a training checkpoint recorded.
        let path = try CheckpointLocator.locate(checkpoint)
        let validated = try CheckpointFile.read(from: path).validated()
        let trained = TrainedModel(path: path, config: validated.config, parameters: validated.parameters)
        let output = self.output ?? Self.defaultOutput(for: trained.path, format: format)
        try Self.checkOutput(output, checkpoint: trained.path)
        let export = ModelExport(trained)
        var summary = ExportSummary(trained, output: output, export: export, format: format)
        switch format {
        case .safetensors:
            try export.write(to: output)
        case .html:
            let page = BrowserPage(trained, excerpt: validated.training?.ponderTrace.text)
            summary.bytes = try page.write(to: output)
        }
        if json {
            print(try JSONOutput.string(summary))
        } else if format == .html {
            print("wrote \(output): a page that runs \(trained.shape), \(grouped(summary.parameters)) parameters, "
                  + "\(grouped(summary.bytes)) bytes (from \(trained.path)); open it in a browser")
        } else {
            print("wrote \(output): \(trained.shape), \(grouped(summary.parameters)) parameters in "
                  + "\(summary.tensors.count) tensors, \(grouped(summary.bytes)) bytes (from \(trained.path))")
        }
    }

    /// `run/best.ckpt` → `run/best.safetensors` (or `run/best.html`).
    static func defaultOutput(for checkpoint: String, format: ExportFormat = .safetensors) -> String {
        let suffix = "." + CheckpointLocator.fileExtension
        return (checkpoint.hasSuffix(suffix) ? String(checkpoint.dropLast(suffix.count)) : checkpoint) + "." + format.fileExtension
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

/// What `actlm export` writes.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case safetensors
    case html

    var fileExtension: String { rawValue }
}

/// `actlm export --json`.
private struct ExportSummary: Encodable {
    struct Tensor: Encodable {
        let name: String
        let shape: [Int]
    }

    let checkpoint: String
    let output: String
    let format: String
    /// The file's size.
    var bytes: Int
    let parameters: Int
    let tensors: [Tensor]
    let metadata: [String: String]

    init(_ trained: TrainedModel, output: String, export: ModelExport, format: ExportFormat) {
        checkpoint = trained.path
        self.output = output
        self.format = format.rawValue
        bytes = 8 + export.file.header.count + 4 * trained.parameters.count
        parameters = trained.parameters.count
        tensors = export.file.tensors.map { Tensor(name: $0.name, shape: $0.shape) }
        metadata = export.file.metadata
    }
}
