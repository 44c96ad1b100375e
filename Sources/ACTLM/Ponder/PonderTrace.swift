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

    public init(text: [UInt8], layers: Int) {
        precondition(layers >= 1, "a ponder trace needs at least one layer")
        self.text = text
        self.layers = layers
        rho = Array(repeating: 0, count: layers * text.count)
        steps = Array(repeating: 0, count: layers * text.count)
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

    /// ρ of every byte of the excerpt in `layer`.
    public func rho(layer: Int) -> ArraySlice<Float> {
        rho[layer * text.count..<(layer + 1) * text.count]
    }

    /// N of every byte of the excerpt in `layer`.
    public func steps(layer: Int) -> ArraySlice<Int32> {
        steps[layer * text.count..<(layer + 1) * text.count]
    }

    // MARK: JSON

    private enum CodingKeys: String, CodingKey { case text, rho, steps }

    /// JSON for people and plots: the text (invalid UTF-8 replaced) and one array per layer of ρ and of
    /// N, with one entry per byte of the text's UTF-8.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(decoding: text, as: UTF8.self), forKey: .text)
        try container.encode((0..<layers).map { Array(rho(layer: $0)) }, forKey: .rho)
        try container.encode((0..<layers).map { Array(steps(layer: $0)) }, forKey: .steps)
    }

    // MARK: Checkpoint encoding

    static let encodingVersion: UInt32 = 1

    public func encode(into writer: inout ByteWriter) {
        writer.write(Self.encodingVersion)
        writer.write(UInt32(layers))
        writer.write(bytes: text)
        writer.write(floatArray: rho)
        writer.write(UInt64(steps.count))
        for n in steps { writer.write(UInt32(bitPattern: n)) }
    }

    public init(from reader: inout ByteReader) throws {
        let start = reader.offset
        func invalid(_ what: String) -> ByteReaderError { ByteReaderError(problem: .invalid(what), offset: start) }
        let version = try reader.readUInt32()
        guard version == Self.encodingVersion else { throw invalid("ponder trace version \(version)") }
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
    }
}
