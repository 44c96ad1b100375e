/// A ByteStream limited to the next `count` bytes: the validation part of a corpus.
public final class BoundedByteStream {
    public let path: String
    /// Bytes this stream delivers in all.
    public let count: Int64
    public private(set) var delivered: Int64 = 0
    public var remaining: Int64 { count - delivered }

    private let stream: ByteStream

    init(stream: ByteStream, count: Int64) {
        self.path = stream.path
        self.stream = stream
        self.count = count
    }

    /// Fills as much of `buffer` as the part has left; returns 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let wanted = Int(min(Int64(buffer.count), remaining))
        guard wanted > 0 else { return 0 }
        let n = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
        guard n > 0 else { throw CorpusError.changed(path: path, offset: stream.offset, expected: stream.offset + remaining) }
        delivered += Int64(n)
        return n
    }
}
