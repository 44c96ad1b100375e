/// How a terminal takes colours: 24-bit ("truecolor", most modern terminals; `COLORTERM` says so) or
/// the xterm 256-colour palette.
public enum TerminalColors: Sendable {
    case trueColor
    case palette256

    /// What the environment announces: `COLORTERM=truecolor` or `24bit` means true colour.
    public static func fromEnvironment(_ environment: [String: String]) -> TerminalColors {
        ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "") ? .trueColor : .palette256
    }
}

/// The ponder map for a terminal: the text itself, each character on a background coloured by how long
/// the model pondered while reading it, and one legend line at the end.
///
/// The text's bytes are written unchanged, so UTF-8 comes out intact and removing the escape codes
/// gives back the input exactly. A multi-byte character takes the colour of its most-pondered byte, and
/// escape codes go only between characters, never inside one. Newlines reset the colour first, so a
/// background never bleeds to the right edge of the screen (which also means a newline's own ponder is
/// not shown here; the other views show it).
public final class PonderMapTerminal: PonderMapRenderer {
    private let sink: OutputSink
    private let layers: Int
    private let layer: PonderLayer
    private let scale: PonderColorScale
    private let showsLegend: Bool
    private let escapes: [[UInt8]]   // [levels] the escape that switches to each colour
    private var grouping = UTF8Grouping()
    private var currentLevel: Int?
    private var endsWithNewline = true

    private static let reset = Array("\u{1B}[0m".utf8)

    public init(layers: Int, layer: PonderLayer = .sum, scale: PonderColorScale,
                colors: TerminalColors = .trueColor, legend: Bool = true, sink: OutputSink) throws {
        self.sink = sink
        self.layers = layers
        self.layer = try layer.validated(layers: layers)
        self.scale = scale
        self.showsLegend = legend
        escapes = (0..<PonderColorScale.levels).map { level in
            let (fg, bg) = (PonderColorScale.textColor(level: level), PonderColorScale.color(level: level))
            switch colors {
            case .trueColor:
                return Array("\u{1B}[38;2;\(fg.red);\(fg.green);\(fg.blue);48;2;\(bg.red);\(bg.green);\(bg.blue)m".utf8)
            case .palette256:
                return Array("\u{1B}[38;5;\(fg.ansi256);48;5;\(bg.ansi256)m".utf8)
            }
        }
    }

    public func write(_ row: PonderMapRow) throws {
        precondition(row.layers == layers, "a row per layer of the model")
        grouping.add(row, writeCharacter)
        try sink.check()
    }

    /// Hands what is written so far to the terminal: for text that appears as it is generated.
    public func flush() throws {
        try sink.flush()
    }

    public func finish(summary: PonderMapSummary?) throws {
        grouping.finish(writeCharacter)
        if currentLevel != nil { sink.write(Self.reset) }
        currentLevel = nil
        if showsLegend {
            if !endsWithNewline { sink.write(byte: 0x0A) }
            sink.write("ponder (\(layer.label)): \(formatFixed(Double(scale.lower), decimals: 2)) ")
            for level in 0..<PonderColorScale.levels {
                sink.write(escapes[level])
                sink.write("  ")
            }
            sink.write(Self.reset)
            sink.write(" \(formatFixed(Double(scale.upper), decimals: 2))\n")
        }
        try sink.flush()
    }

    private func writeCharacter(_ rows: [PonderMapRow], valid: Bool) {
        let first = rows[0].byte
        endsWithNewline = first == 0x0A
        if first == 0x0A {
            if currentLevel != nil { sink.write(Self.reset) }
            currentLevel = nil
            sink.write(byte: first)
            return
        }
        var value = layer.value(rows[0])
        for row in rows.dropFirst() { value = max(value, layer.value(row)) }
        let level = scale.level(value)
        if level != currentLevel {
            sink.write(escapes[level])
            currentLevel = level
        }
        for row in rows { sink.write(byte: row.byte) }
    }
}
