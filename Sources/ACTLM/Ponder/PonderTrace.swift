/// The ponder cost of every character of one fixed text excerpt, per layer: taken at each checkpoint
/// from the same validation text, so successive checkpoints show how the pondering pattern develops.
public struct PonderTrace: Equatable, Sendable, Encodable {
    /// The excerpt, as bytes.
    public let text: [UInt8]
    public let layers: Int
    /// ρ = N + R of every byte, layer-major: `rho[layer · text.count + position]`.
    public private(set) var rho: [Float]
    /// N of every byte, laid out like `rho`.
    public private(set) var steps: [Int32]
    /// The surprise of every byte in bits, −log2 p(byte | bytes before) (NaN for the text's first byte,
    /// which nothing predicts), as a ponder map's rows have it; nil in a trace written before it was kept.
    public private(set) var bits: [Float]?
    /// The entropy in bits of the prediction made at every byte (of the byte after it: NaN at the text's
    /// last byte), −Σ p log2 p; nil in a trace written before it was kept.
    public private(set) var entropy: [Float]?

    public init(text: [UInt8], layers: Int) {
        precondition(layers >= 1, "a ponder trace needs at least one layer")
        self.text = text
        self.layers = layers
        rho = Array(repeating: 0, count: layers * text.count)
        steps = Array(repeating: 0, count: layers * text.count)
        bits = Array(repeating: .nan, count: text.count)
        entropy = Array(repeating: .nan, count: text.count)
    }

    /// Stores one layer's ρ and N for the positions `start ..< start + rho.count`: the excerpt is run
    /// through the model in windows with a batch of one, and each window's outputs land here.
    public mutating func record(layer: Int, start: Int, rho values: UnsafeBufferPointer<Float>,
                                steps stepValues: UnsafeBufferPointer<Int32>) {
        precondition(layer >= 0 && layer < layers && start >= 0 && start + values.count <= text.count
                     && stepValues.count == values.count, "ponder trace record out of range")
        let offset = layer * text.count + start
        for i in 0..<values.count {
            rho[offset + i] = values[i]
            steps[offset + i] = stepValues[i]
        }
    }

    public mutating func record(layer: Int, start: Int, rho values: [Float], steps stepValues: [Int32]) {
        values.withUnsafeBufferPointer { values in
            stepValues.withUnsafeBufferPointer { record(layer: layer, start: start, rho: values, steps: $0) }
        }
    }

    /// Stores the surprise in bits of the positions `start ..< start + values.count` (NaN where nothing
    /// predicted the byte).
    public mutating func record(start: Int, bits values: [Float]) {
        precondition(start >= 0 && start + values.count <= text.count, "ponder trace bits out of range")
        if bits == nil { bits = Array(repeating: .nan, count: text.count) }
        bits!.replaceSubrange(start..<start + values.count, with: values)
    }

    /// Stores the predictive entropy in bits of the positions `start ..< start + values.count` (NaN
    /// where no prediction was made).
    public mutating func record(start: Int, entropy values: [Float]) {
        precondition(start >= 0 && start + values.count <= text.count, "ponder trace entropy out of range")
        if entropy == nil { entropy = Array(repeating: .nan, count: text.count) }
        entropy!.replaceSubrange(start..<start + values.count, with: values)
    }

    /// Equal values, NaN bits and entropies included.
    public static func == (a: PonderTrace, b: PonderTrace) -> Bool {
        a.text == b.text && a.layers == b.layers && a.rho == b.rho && a.steps == b.steps
            && a.bits?.map(\.bitPattern) == b.bits?.map(\.bitPattern)
            && a.entropy?.map(\.bitPattern) == b.entropy?.map(\.bitPattern)
    }

    /// ρ of every byte of the excerpt in `layer`.
    public func rho(layer: Int) -> ArraySlice<Float> {
        rho[layer * text.count..<(layer + 1) * text.count]
    }

    /// N of every byte of the excerpt in `layer`.
    public func steps(layer: Int) -> ArraySlice<Int32> {
        steps[layer * text.count..<(layer + 1) * text.count]
    }

    // MARK: JSON

    private enum CodingKeys: String, CodingKey { case text, rho, steps, bits, entropy }

    /// JSON for people and plots: the text (invalid UTF-8 replaced) and one array per layer of ρ and of
    /// N, with one entry per byte of the text's UTF-8, the bits of every byte (null where none were
    /// predicted or kept) and the entropy of the prediction made there (null likewise).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(decoding: text, as: UTF8.self), forKey: .text)
        try container.encode((0..<layers).map { Array(rho(layer: $0)) }, forKey: .rho)
        try container.encode((0..<layers).map { Array(steps(layer: $0)) }, forKey: .steps)
        try container.encode(bits.map { $0.map { $0.isNaN ? nil : $0 } }, forKey: .bits)
        try container.encode(entropy.map { $0.map { $0.isNaN ? nil : $0 } }, forKey: .entropy)
    }

    // MARK: Checkpoint encoding

    /// Version 2 adds the bits, version 3 the entropy; older traces are read without them.
    static let encodingVersion: UInt32 = 3

    public func encode(into writer: inout ByteWriter) {
        writer.write(Self.encodingVersion)
        writer.write(UInt32(layers))
        writer.write(bytes: text)
        writer.write(floatArray: rho)
        writer.write(UInt64(steps.count))
        for n in steps { writer.write(UInt32(bitPattern: n)) }
        writer.write(floatArray: bits ?? Array(repeating: .nan, count: text.count))
        writer.write(floatArray: entropy ?? Array(repeating: .nan, count: text.count))
    }

    public init(from reader: inout ByteReader) throws {
        let start = reader.offset
        func invalid(_ what: String) -> ByteReaderError { ByteReaderError(problem: .invalid(what), offset: start) }
        let version = try reader.readUInt32()
        guard (1...Self.encodingVersion).contains(version) else { throw invalid("ponder trace version \(version)") }
        let layers = Int(try reader.readUInt32())
        guard (1...4096).contains(layers) else { throw invalid("a ponder trace of \(layers) layers") }
        let text = try reader.readBytes()
        let rho = try reader.readFloatArray()
        let count = try reader.readUInt64()
        guard rho.count == layers * text.count, count == UInt64(rho.count) else {
            throw invalid("a ponder trace of \(rho.count) values for \(layers) layers of \(text.count) bytes")
        }
        self.init(text: text, layers: layers)
        self.rho = rho
        for i in 0..<Int(count) { steps[i] = Int32(bitPattern: try reader.readUInt32()) }
        func perByte(_ name: String) throws -> [Float] {
            let values = try reader.readFloatArray()
            guard values.count == text.count else {
                throw invalid("a ponder trace of \(values.count) \(name) values for \(text.count) bytes")
            }
            return values
        }
        bits = version >= 2 ? try perByte("bits") : nil
        entropy = version >= 3 ? try perByte("entropy") : nil
    }
}
