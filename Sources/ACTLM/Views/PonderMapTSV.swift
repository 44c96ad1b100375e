/// The ponder map as tab-separated values: a header, then exactly one line per byte of the text.
///
///     offset  byte  char  bits  rho_1 … rho_L  n_1 … n_L
///
/// `char` is the byte escaped to stay on its line (`\t`, `\n`, `\r`, `\\`, `\xNN` for anything that is
/// not printable ASCII); `byte` is its value. `rho_l` and `n_l` are the ponder of layer l while reading
/// this byte; `bits` is the surprise of this byte, −log2 p(byte | bytes before), predicted one step
/// earlier, and is empty for the first byte, which nothing predicted. The summary is not part of the
/// table (a reader of TSV expects rows only); print `PonderMapSummary.plainText` elsewhere.
public final class PonderMapTSV: PonderMapRenderer {
    private let sink: OutputSink
    private let layers: Int

    public init(layers: Int, sink: OutputSink) {
        self.sink = sink
        self.layers = layers
        sink.write(Self.header(layers: layers))
        sink.write(byte: 0x0A)
    }

    public static func header(layers: Int) -> String {
        (["offset", "byte", "char", "bits"] + (0..<layers).map { "rho_\($0 + 1)" }
            + (0..<layers).map { "n_\($0 + 1)" }).joined(separator: "\t")
    }

    public func write(_ row: PonderMapRow) throws {
        precondition(row.layers == layers, "a row per layer of the model")
        let tab = UInt8(ascii: "\t")
        sink.writeInt(row.offset)
        sink.write(byte: tab)
        sink.writeInt(Int64(row.byte))
        sink.write(byte: tab)
        sink.writeEscapedByte(row.byte)
        sink.write(byte: tab)
        if let bits = row.bits, bits.isFinite { sink.writeFixed(Double(bits), decimals: 4) }
        for rho in row.rho {
            sink.write(byte: tab)
            sink.writeFixed(Double(rho), decimals: 4)
        }
        for n in row.steps {
            sink.write(byte: tab)
            sink.writeInt(Int64(n))
        }
        sink.write(byte: 0x0A)
        try sink.check()
    }

    public func finish(summary: PonderMapSummary?) throws {
        try sink.flush()
    }
}
