/// A corpus file checked end to end and split in two: training reads batches of streams from the
/// first part, evaluation reads the validation part (the end of the file, or a separate file).
/// Nothing here holds more than a few buffers and inflate states, whatever the corpus size.
public final class Corpus {
    public let info: CorpusInfo
    public var path: String { info.path }

    /// Read-ahead of each training stream: B of them are open at once.
    static let streamInputCapacity = 32 * 1024

    private let file: FileReader
    private var validationStart: ByteStream?  // parked at the start of the validation part, made on first use

    /// Scans the file once (streaming) to count bytes and distinct values and validate it end to end.
    public init(path: String, validFraction: Double = 0.05, validPath: String? = nil) throws {
        if path == "-" { throw CorpusError.needsFile(path: path) }
        if validPath == "-" { throw CorpusError.needsFile(path: "-") }
        info = try Corpus.scan(path: path, validFraction: validFraction, validPath: validPath)
        file = try FileReader(path: path)
    }

    /// One streaming pass over `path` (and `validPath`): sizes, distinct byte values, the split,
    /// and every checksum verified. Works on standard input ("-"), which `Corpus` itself cannot use.
    public static func scan(path: String, validFraction: Double = 0.05, validPath: String? = nil) throws -> CorpusInfo {
        guard validFraction >= 0 && validFraction < 1 else {
            throw CorpusError.invalidSetting("the validation fraction must be at least 0 and below 1 (got \(validFraction)); "
                + "0.05 keeps the last 5% of the corpus for validation")
        }
        if path == "-" && validPath == "-" {
            throw CorpusError.invalidSetting("standard input can be read only once: give the corpus or the validation file as a path")
        }
        let stream = try ByteStream(path: path)
        let (total, distinct) = try measure(stream)
        guard total > 0 else { throw CorpusError.empty(path: path) }
        if let validPath {
            let (validTotal, _) = try measure(ByteStream(path: validPath))
            guard validTotal > 0 else { throw CorpusError.empty(path: validPath) }
            return CorpusInfo(path: path, format: stream.format, totalBytes: total, distinctBytes: distinct,
                              trainBytes: total, validBytes: validTotal, validPath: validPath)
        }
        let valid = Int64((Double(total) * validFraction).rounded(.down))
        if validFraction > 0 && valid == 0 {
            throw CorpusError.noValidation(path: path, totalBytes: total, validFraction: validFraction)
        }
        return CorpusInfo(path: path, format: stream.format, totalBytes: total, distinctBytes: distinct,
                          trainBytes: total - valid, validBytes: valid)
    }

    /// B streams at evenly spaced offsets of the training part, or at `positions` restored from a checkpoint.
    /// Opening them costs one decompression pass over the training part, whatever B is.
    /// Where B streams start: evenly spaced over the training part.
    public func streamStarts(batch: Int) -> [Int64] {
        (0..<batch).map { Int64($0) * info.trainBytes / Int64(batch) }
    }

    public func batches(batch: Int, seq: Int, positions: [Int64]? = nil) throws -> CorpusBatches {
        guard batch >= 1 && seq >= 1 else {
            throw CorpusError.invalidSetting("batch size and sequence length must be at least 1 (got \(batch) and \(seq))")
        }
        let train = info.trainBytes
        guard train >= Int64(seq) + 1 else {
            throw CorpusError.shorterThanWindow(path: path, trainBytes: train, windowBytes: seq + 1)
        }
        let starts: [Int64]
        if let positions {
            guard positions.count == batch else {
                throw CorpusError.invalidSetting("there are positions for \(positions.count) streams but the batch "
                    + "size is \(batch); resume with the batch size the checkpoint was trained with")
            }
            if let bad = positions.first(where: { $0 < 0 || $0 >= train }) {
                throw CorpusError.invalidSetting("stream position \(bad) is outside the training part of '\(path)' "
                    + "(\(train) bytes): the checkpoint was made with another corpus or split; resume with the same "
                    + "corpus and --valid-fraction")
            }
            starts = positions
        } else {
            starts = streamStarts(batch: batch)
        }
        // One stream walks through the training part and leaves a copy of itself at every start.
        let walker = try ByteStream(file: file, inputCapacity: Corpus.streamInputCapacity)
        var sources = [ByteStream?](repeating: nil, count: batch)
        for b in starts.indices.sorted(by: { starts[$0] < starts[$1] }) {
            try walker.skip(starts[b] - walker.offset)
            sources[b] = try walker.copy(inputCapacity: Corpus.streamInputCapacity)
        }
        return CorpusBatches(file: file, trainBytes: train, seq: seq, sources: sources.map { $0! }, positions: starts)
    }

    /// The validation bytes, start to end, as a sequential stream; read it in chunks of any size.
    /// The first call decompresses up to the validation part once; later calls start from there at once.
    public func validationStream() throws -> BoundedByteStream {
        if let validPath = info.validPath {
            return BoundedByteStream(stream: try ByteStream(path: validPath), count: info.validBytes)
        }
        guard info.validBytes > 0 else {
            throw CorpusError.invalidSetting("'\(path)' has no validation part (the validation fraction is 0); "
                + "give a --valid-fraction above 0 or a separate --valid FILE")
        }
        if validationStart == nil {
            let stream = try ByteStream(file: file, inputCapacity: Corpus.streamInputCapacity)
            try stream.skip(info.trainBytes)
            validationStart = stream
        }
        return BoundedByteStream(stream: try validationStart!.copy(inputCapacity: ByteStream.defaultInputCapacity),
                                 count: info.validBytes)
    }

    /// Total decompressed bytes and how many distinct byte values they use.
    private static func measure(_ stream: ByteStream) throws -> (total: Int64, distinct: Int) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        let seen = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        seen.initialize(repeating: 0, count: 256)
        defer {
            buffer.deallocate()
            seen.deallocate()
        }
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var total: Int64 = 0
        while true {
            let n = try stream.read(into: buffer)
            if n == 0 { break }
            for i in 0..<n { seen[Int(bytes[i])] = 1 }
            total += Int64(n)
        }
        return (total, (0..<256).reduce(0) { $0 + Int(seen[$1]) })
    }
}
