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
        let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        z.initialize(to: z_stream())
        let scratchSize = 16 * 1024
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchSize)
        defer { inflateEnd(z); z.deallocate(); scratch.deallocate() }
        guard inflateInit2_(z, 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return false
        }
        z.pointee.next_in = UnsafeMutablePointer(mutating: head.baseAddress!.assumingMemoryBound(to: UInt8.self))
        z.pointee.avail_in = UInt32(head.count)
        while true {
            z.pointee.next_out = scratch
            z.pointee.avail_out = UInt32(scratchSize)
            switch inflate(z, Z_NO_FLUSH) {
            case Z_STREAM_END: return true
            case Z_OK: if z.pointee.avail_in == 0 { return true }
            case Z_BUF_ERROR: return true  // wants more input than `head` holds: fine so far
            case Z_DATA_ERROR: return z.pointee.msg.map { String(cString: $0) } == "incorrect data check"
            default: return false
            }
        }
    }
}
