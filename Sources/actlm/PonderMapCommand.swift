import ArgumentParser
import ACTLM

struct PonderMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ponder-map",
        abstract: "Show where the model ponders: for every character of a text, how long each layer "
            + "thought and how surprised the model was.",
        discussion: """
            Runs the model over the text (a file, plain or gzip, or '-' for standard input; any length, \
            in constant memory) and shows, for each byte, ρ = N + R (the ponder steps N plus the \
            remainder R) of every layer while reading it, and its surprise in bits, −log2 p(byte | \
            text before it).

            On a terminal the text itself is shown as a colour heat-map (by --layer, default the sum \
            over layers), and a summary goes to standard error: mean ρ per character class and layer, \
            the bits per character of the text, and the ratio of ponder at word boundaries to ponder \
            inside words. With --no-color, or when the output is not a terminal, a TSV table is \
            written instead.

            Formats (--format):
              tsv       one row per byte: offset byte char bits rho_1.. n_1..
              json      {"rows": [...], "summary": {...}}
              html      a page: the text coloured by ponder, details on hover
              svg       a figure of the first --figure-bytes bytes, ρ above text
              terminal  the heat-map even when piped (for `less -R`)

            Examples:
              actlm ponder-map article.txt
              actlm ponder-map article.txt --format html > article.html
              zcat wiki.gz | head -c 100000 | actlm ponder-map - --format tsv > ponder.tsv
              actlm ponder-map excerpt.txt --format svg > figure.svg
            """
    )

    @Argument(help: ArgumentHelp("The text (plain or gzip); '-' reads standard input.", valueName: "text-file"))
    var file: String

    @Option(help: ArgumentHelp("tsv, json, html, svg or terminal. Default: terminal on a terminal, else tsv.",
                               valueName: "format"))
    var format: PonderMapFormat?

    @Option(help: "Colour the heat-maps by this layer's ρ (1 is the bottom layer). Default: the sum over layers.")
    var layer: Int?

    @Flag(name: .customLong("no-color"), help: "Write the TSV table instead of the colour heat-map.")
    var noColor = false

    @Option(name: .customLong("figure-bytes"), help: "How many bytes of the text the SVG figure shows.")
    var figureBytes = PonderMapSVG.defaultMaxBytes

    @Option(name: .customLong("figure-columns"), help: "Characters per line of the SVG figure.")
    var figureColumns = 100

    @OptionGroup var model: ModelOptions

    @OptionGroup var scoring: ScoringOptions

    func run() throws {
        let format = self.format ?? (Terminal.standardOutputIsTerminal && !noColor && Terminal.colorsAllowed
                                     ? .terminal : .tsv)
        let trained = try model.load()
        let scorer = scoring.scorer(for: trained.config)
        let options = PonderMapOptions(format: format, layer: layer.map(PonderLayer.layer) ?? .sum,
                                       colors: Terminal.colors, source: file == "-" ? "standard input" : file,
                                       figureBytes: figureBytes, figureColumns: figureColumns)
        let stream = try TextInput.open(file)
        // The writer checks the layer and figure size, so mistakes are reported before any output.
        let writer = try PonderMapWriter(layers: trained.config.layers, options: options,
                                         sink: OutputSink.standardOutput())
        // A progress line only where it cannot land inside the heat-map.
        let progress = ScoringProgress.onTerminal(for: stream, path: file, alsoWhen: !Terminal.standardOutputIsTerminal)
        let evaluation = try scorer.run(parameters: trained.parameters, over: stream, row: { try writer.write($0) },
                                        progress: { progress?.update($0) })
        progress?.clear()

        // json, html and svg carry the summary inside; a table or heat-map gets it beside, for people.
        let summary = evaluation.summary
        try writer.finish(summary: summary)
        if format == .terminal || (format == .tsv && Terminal.standardErrorIsTerminal) {
            Terminal.note("model \(trained.path) (\(trained.shape))\n" + summary.plainText)
        }
    }
}

extension PonderMapFormat: ExpressibleByArgument {}
