import Foundation

/// A trained model as one self-contained HTML page that runs it as you type (`actlm export --format
/// html`): no network, no server, no file beside it, no framework. It holds
/// - the settings and weights of `ModelExport` (the weights as float32, little-endian, in base64);
/// - a forward pass written from the equations (docs/act-lstm.md) in JavaScript, whose matrix product and
///   LSTM gates are a small WebAssembly SIMD module the script writes at load time, with plain
///   JavaScript twins (docs/browser-page.md says why);
/// - a scorer that reads the text as `actlm eval` does, resetting the state every `state_reset` bytes,
///   and again from the first changed byte after an edit; the heat map of ρ per character and layer in
///   ponder-map's colours, the bits of surprise, the details of a character, bpc, mean ρ and the
///   word-boundary AUC of ρ; a sampler as `actlm sample`'s;
/// - a text box filled with the first lines of the checkpoint's held-out excerpt.
///
/// `model.html?text=…` opens with that text, scores it before the page has loaded and leaves its
/// ponder map in `<pre id="ponder-tsv">` as `actlm ponder-map --format tsv` writes it, for
/// `chromium --headless --dump-dom`.
public struct BrowserPage: Sendable {
    /// How much of the held-out excerpt the text box starts with: whole lines up to this many bytes.
    public static let excerptBytes = 600
    /// The text box's start when the checkpoint has no excerpt (a file of the model alone).
    static let placeholderText = "Type or paste any text here: a sentence, a paragraph of code, a dictionary entry.\n"

    public let config: ModelConfig
    public let export: ModelExport
    /// What the text box starts with.
    public let text: String
    let description: String
    let about: String

    /// `excerpt`: the held-out text a training checkpoint recorded (`PonderTrace.text`), if any.
    public init(_ model: TrainedModel, excerpt: [UInt8]?) {
        config = model.config
        export = ModelExport(model)
        text = excerpt.flatMap(Self.firstLines) ?? Self.placeholderText
        description = model.shape
        let name = (model.path as NSString).lastPathComponent
        about = "A page of actlm \(ACTLMVersion.string): \(name), \(model.shape), \(grouped(model.parameters.count)) "
            + "parameters, \(config.resetDescription)."
    }

    /// Whole lines from the start of `excerpt`, up to `excerptBytes` (at least one line, cut at a character
    /// if it is longer); nil for an empty excerpt. The held-out part of a corpus starts anywhere in a
    /// line: a first line that ends within the first half of the budget is left out as a fragment, and
    /// blank lines after it.
    public static func firstLines(_ excerpt: [UInt8]) -> String? {
        guard !excerpt.isEmpty else { return nil }
        var start = 0
        if let newline = excerpt.prefix(excerptBytes / 2).firstIndex(of: 0x0A), newline + 1 < excerpt.count {
            start = newline + 1
            while start + 1 < excerpt.count && excerpt[start] == 0x0A { start += 1 }   // and the blank lines after it
        }
        var end = start
        for i in start..<excerpt.count where excerpt[i] == 0x0A {
            if i + 1 - start > excerptBytes { break }
            end = i + 1
        }
        if end == start {
            end = min(excerpt.count, start + excerptBytes)
            while end < excerpt.count && end > start && excerpt[end] & 0xC0 == 0x80 { end -= 1 }   // not inside a character
        }
        return String(decoding: excerpt[start..<end], as: UTF8.self)
    }

    /// The settings the script reads (JSON).
    struct Settings: Encodable {
        struct Tensor: Encodable {
            let offset: Int   // in floats from the start of the weights
            let count: Int
        }

        let layers: Int
        let hidden: Int
        let maxPonder: Int
        let epsilon: Double
        let haltingInput: String
        let haltingScope: String
        let stateReset: Int
        let tensors: [String: Tensor]
        let levels: Int
        let description: String
        let about: String
        let excerpt: String

        private enum CodingKeys: String, CodingKey {
            case layers, hidden, maxPonder = "max_ponder", epsilon, haltingInput = "halting_input",
                 haltingScope = "halting_scope", stateReset = "state_reset", tensors, levels, description, about, excerpt
        }
    }

    var settings: Settings {
        var tensors: [String: Settings.Tensor] = [:], offset = 0
        for tensor in export.file.tensors {
            tensors[tensor.name] = Settings.Tensor(offset: offset, count: tensor.values.count)
            offset += tensor.values.count
        }
        return Settings(layers: config.layers, hidden: config.hidden, maxPonder: config.maxPonder,
                        epsilon: config.epsilon, haltingInput: config.haltingInput.rawValue,
                        haltingScope: config.haltingScope.rawValue, stateReset: config.stateReset, tensors: tensors,
                        levels: PonderColorScale.levels, description: description, about: about, excerpt: text)
    }

    /// The weights in file order, float32 little-endian, base64.
    var weightsBase64: String {
        var writer = ByteWriter(capacity: 4 * ParameterLayout(config: config).count)
        for tensor in export.file.tensors { tensor.values.withUnsafeBufferPointer { writer.write(floats: $0) } }
        return Data(writer.bytes).base64EncodedString()
    }

    /// The page.
    public func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Inside <script> only "</" could end it early: no "<" is left in the JSON ("<" only occurs in strings).
        let json = String(decoding: try encoder.encode(settings), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        let colours = (0..<PonderColorScale.levels).map { level in
            ".h\(level){background:\(PonderColorScale.color(level: level).hex);"
                + "color:\(PonderColorScale.textColor(level: level).hex)}\n"
        }.joined()
        let title = "actlm: " + description
        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(title)</title>
            <style>
            \(Self.style)
            \(colours)</style>
            </head>
            <body>
            \(Self.body)
            <script id="model-settings" type="application/json">\(json)</script>
            <script id="model-weights" type="application/octet-stream">\(weightsBase64)</script>
            <script>
            "use strict";
            \(Self.kernelScript)
            \(Self.modelScript)
            \(Self.scorerScript)
            \(Self.samplerScript)
            \(Self.viewScript)
            </script>
            </body>
            </html>

            """
        return Array(page.utf8)
    }

    /// Writes the page through `AtomicFile`: `path` holds its old contents or the whole page, never a part.
    public func write(to path: String) throws -> Int {
        let bytes = try serialized()
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as AtomicFile.WriteError {
            throw ExportError.cannotWrite(path: path, reason: error.reason)
        }
        return bytes.count
    }
}
