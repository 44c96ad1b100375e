// Number and text formatting shared by the views, written straight into an `OutputSink` so a row of
// output costs no temporary strings.

/// `x` with a fixed number of decimals ("1.2500"), the way every view prints ρ and bits.
/// An integer with thousands separators, "3,946,361": how every command shows counts.
public func grouped<Integer: BinaryInteger>(_ n: Integer) -> String {
    var digits = String(n.magnitude)
    var index = digits.endIndex
    while digits.distance(from: digits.startIndex, to: index) > 3 {
        index = digits.index(index, offsetBy: -3)
        digits.insert(",", at: index)
    }
    return (n < 0 ? "-" : "") + digits
}

func formatFixed(_ x: Double, decimals: Int) -> String {
    let sink = OutputSink(.memory, capacity: 32)
    sink.writeFixed(x, decimals: decimals)
    try? sink.flush()
    return String(decoding: sink.collected, as: UTF8.self)
}

private let powersOfTen: [Int64] = (0...9).map { (0..<$0).reduce(Int64(1)) { r, _ in r * 10 } }
private let hexDigits = Array("0123456789abcdef".utf8)

extension OutputSink {
    func writeInt(_ value: Int64) {
        if value < 0 { write(byte: UInt8(ascii: "-")) }
        var v = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= v / 10 { divisor *= 10 }
        repeat {
            write(byte: UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Finite values only: the callers decide what NaN means in their format.
    func writeFixed(_ x: Double, decimals: Int) {
        guard abs(x) < 1e15 else { write(String(x)); return }
        let scale = powersOfTen[decimals]
        let scaled = Int64((abs(x) * Double(scale)).rounded())
        if x < 0 && scaled != 0 { write(byte: UInt8(ascii: "-")) }
        writeInt(scaled / scale)
        guard decimals > 0 else { return }
        write(byte: UInt8(ascii: "."))
        var fraction = scaled % scale
        var divisor = scale / 10
        while divisor > 0 {
            write(byte: UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }

    /// `x` to `decimals` places, or `missing` where there is no finite value ("—" for people).
    func writeFixed(_ x: Double?, decimals: Int, missing: String) {
        if let x, x.isFinite { writeFixed(x, decimals: decimals) } else { write(missing) }
    }

    /// "layer 1 1.25, layer 2 0.98": each layer's ratio to two places between `open` and `close` (markup).
    func writeLayerRatios(_ ratios: [Double?], open: String = "", close: String = "") {
        for (l, ratio) in ratios.enumerated() {
            if l > 0 { write(", ") }
            write("layer \(l + 1) " + open)
            writeFixed(ratio, decimals: 2, missing: "—")
            write(close)
        }
    }

    func writeHexByte(_ b: UInt8) {
        write(byte: hexDigits[Int(b >> 4)])
        write(byte: hexDigits[Int(b & 15)])
    }

    /// One byte as one line-safe token: printable ASCII as itself, `\t` `\n` `\r` `\\`, else `\xNN`.
    /// `insideJSON` escapes the token again for a JSON string (`\\x0a`, `\"`).
    func writeEscapedByte(_ b: UInt8, insideJSON: Bool = false) {
        func escape(_ letter: Character) {
            write(byte: UInt8(ascii: "\\"))
            if insideJSON { write(byte: UInt8(ascii: "\\")) }
            write(byte: letter.asciiValue!)
            if insideJSON && letter == "\\" { write(byte: UInt8(ascii: "\\")) }
        }
        switch b {
        case 0x09: escape("t")
        case 0x0A: escape("n")
        case 0x0D: escape("r")
        case 0x5C: escape("\\")
        case 0x22 where insideJSON: write("\\\"")
        case 0x20...0x7E: write(byte: b)
        default:
            escape("x")
            writeHexByte(b)
        }
    }

    /// A JSON string literal, quotes included.
    func writeJSONString(_ s: String) {
        write(byte: UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): write("\\\"")
            case UInt8(ascii: "\\"): write("\\\\")
            case 0x0A: write("\\n")
            case 0x09: write("\\t")
            case 0..<0x20, 0x7F:
                write("\\u00")
                writeHexByte(b)
            default: write(byte: b)
            }
        }
        write(byte: UInt8(ascii: "\""))
    }

    /// Text for XML content or attribute values: markup characters escaped, and characters XML 1.0
    /// forbids (control bytes, U+FFFE, U+FFFF) replaced by visible stand-ins, so any parser accepts it.
    func writeXMLEscaped(_ s: String) {
        for scalar in s.unicodeScalars { writeXMLScalar(scalar) }
    }

    func writeXMLScalar(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x26: write("&amp;")
        case 0x3C: write("&lt;")
        case 0x3E: write("&gt;")
        case 0x22: write("&quot;")
        case 0x27: write("&#39;")
        case 0x09, 0x0A: write(byte: UInt8(scalar.value))
        case 0x0D: write("&#13;")
        case 0..<0x20: writeXMLScalar(Unicode.Scalar(0x2400 + scalar.value)!)  // ␀ ␁ … control pictures
        case 0x7F: writeXMLScalar(Unicode.Scalar(0x2421)!)                     // ␡
        case 0xFFFE, 0xFFFF: writeXMLScalar(Unicode.Scalar(0xFFFD)!)
        default:
            for b in Unicode.UTF8.encode(scalar)! { write(byte: b) }
        }
    }

    /// One character of the viewed text for XML output: a valid UTF-8 sequence as itself (escaped where
    /// needed), a byte that is not part of valid UTF-8 as U+FFFD.
    func writeXMLCharacter(_ rows: [PonderMapRow], valid: Bool) {
        guard valid, let scalar = decodeUTF8(rows) else {
            writeXMLScalar(Unicode.Scalar(0xFFFD)!)
            return
        }
        writeXMLScalar(scalar)
    }
}

/// The scalar a valid UTF-8 sequence (as grouped by `UTF8Grouping`) encodes.
func decodeUTF8(_ rows: [PonderMapRow]) -> Unicode.Scalar? {
    guard let lead = rows.first?.byte else { return nil }
    var value: UInt32
    switch rows.count {
    case 1: value = UInt32(lead)
    case 2: value = UInt32(lead & 0x1F)
    case 3: value = UInt32(lead & 0x0F)
    default: value = UInt32(lead & 0x07)
    }
    for row in rows.dropFirst() { value = value << 6 | UInt32(row.byte & 0x3F) }
    return Unicode.Scalar(value)
}
