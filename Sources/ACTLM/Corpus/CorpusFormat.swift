import CZlib

/// How a corpus file is stored, told apart by its first bytes.
public enum CorpusFormat: String, Codable, Sendable {
    case gzip, zlib, plain

    /// The format of a file that starts with `head` (its first few KiB, or all of it if shorter).
    ///
    /// gzip has a two-byte magic number. A zlib header is only a checksummed pair of bytes, which
    /// some plain text also happens to start with ("x^", "HK", "8O"…), so a zlib candidate must also
    /// inflate over `head` without error, or reach its Adler-32 check (text never gets that far);
    /// anything else is plain. A zlib file with damaged deflate data in its first few KiB is
    /// therefore read as plain bytes rather than a plain file ever being refused.
    public static func detect(_ head: UnsafeRawBufferPointer) -> CorpusFormat {
        guard head.count >= 2 else { return .plain }
        if head[0] == 0x1f && head[1] == 0x8b { return .gzip }
        if isZlibHeader(head[0], head[1]) && inflatesCleanly(head) { return .zlib }
        return .plain
    }

    /// RFC 1950: deflate method, a window of at most 32 KiB, a valid check, no preset dictionary.
    private static func isZlibHeader(_ cmf: UInt8, _ flg: UInt8) -> Bool {
        cmf & 0x0f == 8 && cmf >> 4 <= 7 && (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 && flg & 0x20 == 0
    }

    private static func inflatesCleanly(_ head: UnsafeRawBufferPointer) -> Bool {
        guard let inflater = try? Inflater(.zlib) else { return false }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 64)
        defer { scratch.deallocate() }
        var input = head
        while true {
            var room = scratch
            switch inflater.inflate(&input, into: &room) {
            case Z_STREAM_END: return true
            case Z_OK: if input.isEmpty { return true }
            case Z_BUF_ERROR: return true  // wants more input than `head` holds: fine so far
            case Z_DATA_ERROR: return inflater.message == "incorrect data check"
            default: return false
            }
        }
    }
}
