import CZlib

/// One zlib inflate stream (zlib or gzip framing) and the one loop that runs it: corpora, format
/// detection and checkpoint sections all decompress through `inflate(_:into:)`, each deciding for
/// itself what zlib's status means for its data.
final class Inflater {
    enum Framing {
        case zlib
        /// zlib parses the gzip header and checks the trailer's CRC-32 and length.
        case gzip

        var windowBits: Int32 { self == .gzip ? 15 + 16 : 15 }
    }

    /// zlib could not set the stream up (`status` is its code: out of memory, a library of another version).
    struct SetupFailure: Error {
        let status: Int32
    }

    private let stream: UnsafeMutablePointer<z_stream>

    convenience init(_ framing: Framing) throws(SetupFailure) {
        try self.init { inflateInit2_($0, framing.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) }
    }

    /// A stream in exactly `other`'s state, which goes on independently.
    convenience init(copying other: Inflater) throws(SetupFailure) {
        try self.init { inflateCopy($0, other.stream) }
    }

    /// A fresh stream that `setUp` starts (returning zlib's status).
    private init(_ setUp: (UnsafeMutablePointer<z_stream>) -> Int32) throws(SetupFailure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = setUp(stream)
        guard status == Z_OK else {
            stream.deallocate()
            throw SetupFailure(status: status)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Starts over, for the next gzip member.
    func reset() {
        inflateReset(stream)
    }

    /// zlib's explanation of the last error ("incorrect data check" and the like), if it gave one.
    var message: String? { stream.pointee.msg.map { String(cString: $0) } }

    /// Decompressed bytes this stream has produced since it began (or was reset).
    var totalOut: Int64 { Int64(stream.pointee.total_out) }

    /// Decompresses from `input` into `output` until the output is full, the input runs out, the stream
    /// ends or zlib reports anything but progress; both buffers are advanced past what was used. Returns
    /// zlib's last status: Z_OK (output full or input used up), Z_STREAM_END, Z_BUF_ERROR (no progress
    /// possible without more input or room), or an error.
    func inflate(_ input: inout UnsafeRawBufferPointer, into output: inout UnsafeMutableRawBufferPointer) -> Int32 {
        let chunk = Int(Int32.max)   // zlib counts in 32 bits
        while true {
            let inCount = min(input.count, chunk), outCount = min(output.count, chunk)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(inCount)
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(outCount)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let consumed = inCount - Int(stream.pointee.avail_in)
            let produced = outCount - Int(stream.pointee.avail_out)
            input = UnsafeRawBufferPointer(rebasing: input[consumed...])
            output = UnsafeMutableRawBufferPointer(rebasing: output[produced...])
            guard status == Z_OK, !input.isEmpty, !output.isEmpty else { return status }
        }
    }
}
