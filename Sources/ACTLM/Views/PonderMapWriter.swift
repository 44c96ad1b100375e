/// The formats `actlm ponder-map` writes.
public enum PonderMapFormat: String, CaseIterable, Sendable {
    case terminal   // the text as a colour heat-map (for a terminal)
    case tsv
    case json
    case html
    case svg
}

/// Everything a ponder map can be asked for besides its rows.
public struct PonderMapOptions: Sendable {
    public var format: PonderMapFormat
    public var layer: PonderLayer              // what the heat-maps colour by
    public var colors: TerminalColors
    public var source: String                  // the text's name, for titles ("-" for standard input)
    public var scale: PonderColorScale?        // nil: fitted to the start of the text
    public var figureBytes: Int                // how much of the text the SVG figure shows
    public var figureColumns: Int              // characters per line of the SVG figure
    public var embedded: Bool                  // html: a section for a page that has the style sheet

    public init(format: PonderMapFormat, layer: PonderLayer = .sum, colors: TerminalColors = .trueColor,
                source: String, scale: PonderColorScale? = nil,
                figureBytes: Int = PonderMapSVG.defaultMaxBytes, figureColumns: Int = 100, embedded: Bool = false) {
        self.format = format
        self.layer = layer
        self.colors = colors
        self.source = source
        self.scale = scale
        self.figureBytes = figureBytes
        self.figureColumns = figureColumns
        self.embedded = embedded
    }
}

/// Writes a ponder map in any format from rows given one at a time: the one type the command needs.
///
/// The heat-maps need a colour range before their first character. Unless the options fix one, the
/// writer holds the first `lookahead` rows, fits the range to them, and then streams; memory stays
/// bounded by that window whatever the length of the text.
public final class PonderMapWriter {
    public static let lookahead = 4096

    private let options: PonderMapOptions
    private let layers: Int
    private let sink: OutputSink
    private var renderer: PonderMapRenderer?
    private var pending: [PonderMapRow] = []

    public init(layers: Int, options: PonderMapOptions, sink: OutputSink) throws {
        self.options = options
        self.layers = layers
        self.sink = sink
        _ = try options.layer.validated(layers: layers)
        switch options.format {
        case .tsv:
            renderer = PonderMapTSV(layers: layers, sink: sink)
        case .json:
            renderer = PonderMapJSON(layers: layers, source: options.source, sink: sink)
        case .svg:
            renderer = try PonderMapSVG(layers: layers, source: options.source, maxBytes: options.figureBytes,
                                        columns: options.figureColumns, sink: sink)
        case .terminal, .html:
            if let scale = options.scale { renderer = try heatMap(scale: scale) }
        }
    }

    public func write(_ row: PonderMapRow) throws {
        if let renderer { return try renderer.write(row) }
        pending.append(row)
        if pending.count >= Self.lookahead { try start() }
    }

    public func finish(summary: PonderMapSummary?) throws {
        if renderer == nil { try start() }
        try renderer!.finish(summary: summary)
    }

    /// Fits the colour range to the rows held back, then writes them.
    private func start() throws {
        let scale = PonderColorScale(fitting: pending.map { options.layer.value($0) })
        let renderer = try heatMap(scale: scale)
        self.renderer = renderer
        for row in pending { try renderer.write(row) }
        pending = []
    }

    private func heatMap(scale: PonderColorScale) throws -> PonderMapRenderer {
        if options.format == .terminal {
            return try PonderMapTerminal(layers: layers, layer: options.layer, scale: scale,
                                         colors: options.colors, sink: sink)
        }
        return try PonderMapHTML(layers: layers, layer: options.layer, scale: scale, source: options.source,
                                 embedded: options.embedded, sink: sink)
    }
}
