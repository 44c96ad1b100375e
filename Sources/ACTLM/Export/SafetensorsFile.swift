/// A safetensors file of float32 tensors, the weights format other frameworks read (PyPI's
/// `safetensors` and `numpy`, PyTorch, MLX, candle):
///
///     0      N, the header's length                  UInt64, little-endian
///     8      the header: JSON, UTF-8, N bytes        {"__metadata__": {string: string},
///                                                      name: {"dtype", "shape", "data_offsets": [begin, end]}, …}
///     8 + N  the tensors' bytes, row-major, little-endian, one after another with no gaps
///
/// `data_offsets` count from the start of the tensor bytes. The header is padded with spaces to a
/// multiple of 8 bytes, as the format's reference writer does, so the tensor bytes start aligned and a
/// reader may map them in place.
public struct SafetensorsFile: Sendable {
    public struct Tensor: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "\(name): shape \(shape) for \(values.count) values")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// In file order; names are unique.
    public let tensors: [Tensor]
    /// Free-form strings for the reader (the format allows only string values).
    public let metadata: [String: String]

    public init(tensors: [Tensor], metadata: [String: String]) {
        precondition(Set(tensors.map(\.name)).count == tensors.count, "tensor names must be unique")
        precondition(!tensors.contains { $0.name == "__metadata__" }, "__metadata__ is the format's own key")
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The JSON header, padded with spaces to a multiple of 8 bytes.
    public var header: [UInt8] {
        var entries = ["\"__metadata__\":{"
            + metadata.keys.sorted().map { "\(json($0)):\(json(metadata[$0]!))" }.joined(separator: ",") + "}"]
        var offset = 0
        for tensor in tensors {
            let end = offset + 4 * tensor.values.count
            entries.append("\(json(tensor.name)):{\"dtype\":\"F32\",\"shape\":[" + tensor.shape.map(String.init)
                .joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }

    /// The whole file.
    public func serialized() -> [UInt8] {
        let header = self.header
        var writer = ByteWriter(capacity: 8 + header.count + 4 * tensors.reduce(0) { $0 + $1.values.count })
        writer.write(UInt64(header.count))
        header.withUnsafeBytes { writer.write(raw: $0) }
        for tensor in tensors { tensor.values.withUnsafeBufferPointer { writer.write(floats: $0) } }
        return writer.bytes
    }

    /// `text` as a JSON string literal.
    private func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
