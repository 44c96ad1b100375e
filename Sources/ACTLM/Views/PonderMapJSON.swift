/// The ponder map as one JSON document, streamed: rows as they come, the summary at the end.
///
///     {"layers": L, "source": "…", "alignment": "…",
///      "rows": [{"offset": 0, "byte": 60, "char": "<", "bits": null, "rho": [1.2, 2.1], "n": [1, 2]}, …],
///      "summary": {"bytes": …, "bpc": …, "mean_rho": […], "boundary_inside_ratio": […],
///                  "classes": [{"class": "space", "name": "space", "count": …, "mean_rho": […]}, …]}}
///
/// `char` is the byte escaped as in the TSV view (one byte need not be a whole character); `bits` is
/// the surprise of this byte predicted one step earlier, null for the first byte; `rho` and `n` are the
/// ponder while reading it. Numbers that are not finite are written as null.
public final class PonderMapJSON: PonderMapRenderer {
    private let sink: OutputSink
    private let layers: Int
    private var first = true

    public init(layers: Int, source: String, sink: OutputSink) {
        self.sink = sink
        self.layers = layers
        sink.write("{\"layers\": ")
        sink.writeInt(Int64(layers))
        sink.write(", \"source\": ")
        sink.writeJSONString(source)
        sink.write(", \"alignment\": ")
        sink.writeJSONString("rho and n: ponder of each layer while reading this byte; bits: surprise of "
                             + "this byte, predicted from the bytes before it (null for the first byte)")
        sink.write(",\n\"rows\": [")
    }

    public func write(_ row: PonderMapRow) throws {
        precondition(row.layers == layers, "a row per layer of the model")
        sink.write(first ? "\n{\"offset\": " : ",\n{\"offset\": ")
        first = false
        sink.writeInt(row.offset)
        sink.write(", \"byte\": ")
        sink.writeInt(Int64(row.byte))
        sink.write(", \"char\": \"")
        sink.writeEscapedByte(row.byte, insideJSON: true)
        sink.write("\", \"bits\": ")
        writeNumber(row.bits.map(Double.init), decimals: 4)
        sink.write(", \"rho\": ")
        sink.write(byte: UInt8(ascii: "["))
        for (i, rho) in row.rho.enumerated() {
            if i > 0 { sink.write(", ") }
            writeNumber(Double(rho), decimals: 4)
        }
        sink.write("], \"n\": [")
        for (i, n) in row.steps.enumerated() {
            if i > 0 { sink.write(", ") }
            sink.writeInt(Int64(n))
        }
        sink.write("]}")
        try sink.check()
    }

    public func finish(summary: PonderMapSummary?) throws {
        sink.write(first ? "],\n\"summary\": " : "\n],\n\"summary\": ")
        if let s = summary {
            sink.write("{\"bytes\": ")
            sink.writeInt(s.bytes)
            sink.write(", \"bpc\": ")
            writeNumber(s.bitsPerCharacter, decimals: 4)
            sink.write(", \"mean_rho\": ")
            writeArray(s.meanRho, decimals: 4)
            sink.write(", \"boundary_inside_ratio\": ")
            writeArray(s.boundaryToInsideRatio, decimals: 4)
            sink.write(", \"classes\": [")
            for (i, c) in s.classes.enumerated() {
                sink.write(i == 0 ? "\n  {\"class\": " : ",\n  {\"class\": ")
                sink.writeJSONString(c.characterClass.key)
                sink.write(", \"name\": ")
                sink.writeJSONString(c.characterClass.name)
                sink.write(", \"count\": ")
                sink.writeInt(c.count)
                sink.write(", \"mean_rho\": ")
                writeArray(c.meanRho, decimals: 4)
                sink.write("}")
            }
            sink.write("]}")
        } else {
            sink.write("null")
        }
        sink.write("}\n")
        try sink.flush()
    }

    private func writeNumber(_ x: Double?, decimals: Int) {
        if let x, x.isFinite { sink.writeFixed(x, decimals: decimals) } else { sink.write("null") }
    }

    private func writeArray(_ xs: [Double?], decimals: Int) {
        sink.write(byte: UInt8(ascii: "["))
        for (i, x) in xs.enumerated() {
            if i > 0 { sink.write(", ") }
            writeNumber(x, decimals: decimals)
        }
        sink.write(byte: UInt8(ascii: "]"))
    }

    private func writeArray(_ xs: [Double], decimals: Int) {
        writeArray(xs.map { Optional($0) }, decimals: decimals)
    }
}
