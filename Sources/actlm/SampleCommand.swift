import ArgumentParser
import ACTLM

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate text from a trained model.",
        discussion: """
            The model reads the prime text (or, without one, a newline), then writes --length bytes, \
            each drawn from its prediction after everything before it and fed back as its next input. \
            The output starts with the prime and streams to standard output as it is generated. Bytes \
            are written exactly as the model produced them, so UTF-8 text comes out intact (an \
            undertrained model may also produce bytes that are not valid UTF-8).

            The same checkpoint, options and --seed give the same text.

            --show-ponder colours each character by how long the model pondered on it (ρ summed over \
            layers, from light at 1 step per layer to dark at 3 or more), with a legend at the end; \
            for a terminal, or `less -R`.

            Examples:
              actlm sample --prime "The " --length 400
              actlm sample --temperature 0.7 --seed 42 --show-ponder
              actlm sample --checkpoint checkpoints/run-1/best.ckpt --top-k 5 > sample.txt
            """
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Bytes to generate after the prime.")
    var length = 1000

    @Option(help: ArgumentHelp("1 samples the model's own distribution, lower is more conservative, "
                               + "0 always takes the most likely byte."))
    var temperature: Float = 1

    @Option(name: .customLong("top-k"), help: "Sample only among the k most likely bytes (0: all 256).")
    var topK = 0

    @Option(help: "Text the model reads first; the output starts with it.")
    var prime = ""

    @Option(help: ArgumentHelp("Seed of the sampler; the same seed gives the same text. Default: a new one "
                               + "each run, shown afterwards on a terminal."))
    var seed: UInt64?

    @Flag(name: .customLong("show-ponder"), help: "Colour each character by how long the model pondered on it.")
    var showPonder = false

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length \(length): give 0 or more bytes to generate") }
    }

    func run() throws {
        // Options first, so a mistake is reported before the model is loaded.
        let seed = self.seed ?? UInt64.random(in: 0..<1_000_000)
        let sampler = try Sampler(temperature: temperature, topK: topK, seed: seed)
        let trained = try model.load()
        let generator = TextGenerator(model: trained, sampler: sampler)
        let sink = OutputSink.standardOutput()

        if showPonder {
            let layers = Float(trained.config.layers)
            let scale = PonderColorScale(lower: layers, upper: layers * Float(min(trained.config.maxPonder + 1, 3)))
            let view = try PonderMapTerminal(layers: trained.config.layers, scale: scale, colors: Terminal.colors,
                                             sink: sink)
            try generator.read(Array(prime.utf8)) { try view.write($0) }
            try view.flush()
            for _ in 0..<length {
                try view.write(generator.next())
                try view.flush()
            }
            try view.finish(summary: nil)
        } else {
            let primeBytes = Array(prime.utf8)
            generator.read(primeBytes)
            sink.write(primeBytes)
            try sink.flush()
            for _ in 0..<length {
                sink.write(byte: generator.next().byte)
                try sink.flush()
            }
        }
        if self.seed == nil && Terminal.standardErrorIsTerminal {
            Terminal.note("\n(seed \(seed): add --seed \(seed) to get this sample again)\n")
        }
    }
}
