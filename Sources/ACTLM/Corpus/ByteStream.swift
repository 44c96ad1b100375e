import CZlib

/// The decompressed bytes of a corpus file (or of standard input, for "-"), in order, in constant
/// memory: one input buffer and, for gzip and zlib, one inflate state with its 32 KiB window.
///
/// gzip files may hold several members one after another (`cat a.gz b.gz`, pigz); their contents
/// follow each other. Every gzip trailer's CRC-32 and length, and a zlib stream's Adler-32, are
/// checked as the stream passes them.
public final class ByteStream {
    public let path: String
    public let format: CorpusFormat
    /// Decompressed bytes delivered (or skipped) so far.
    public private(set) var offset: Int64 = 0
    /// Bytes of the file itself consumed so far (compressed, for gzip and zlib): with the file's size,
    /// how far through it a reader is.
    public var fileBytesConsumed: Int64 { fileOffset - Int64(inputCount) }

    static let defaultInputCapacity = 256 * 1024
    /// Enough of the file to tell a zlib stream from text that starts like one.
    private static let detectionBytes = 4096

    private let file: FileReader
    private let input: UnsafeMutableRawBufferPointer    // file bytes read ahead [inputCapacity]
    private var inputStart = 0                           // the unconsumed part of `input`
    private var inputCount = 0
    private var fileOffset: Int64 = 0                    // where the next read from the file starts
    private var atFileEnd = false
    private var ended = false                            // the clean end: read returns 0 from now on
    private let inflater: Inflater?                      // nil for plain files
    private var scratch: UnsafeMutableRawBufferPointer?  // where `skip` inflates to, made on first use

    public convenience init(path: String) throws {
        try self.init(file: FileReader(path: path), inputCapacity: ByteStream.defaultInputCapacity)
    }

    /// A stream from the start of `file`; streams over the same file share its descriptor.
    init(file: FileReader, inputCapacity: Int) throws {
        let input = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(inputCapacity, ByteStream.detectionBytes), alignment: 64)
        var count = 0
        var atEnd = false
        do {
            // Pipes may deliver a few bytes at a time; detection wants a full head when there is one.
            while count < ByteStream.detectionBytes && !atEnd {
                let n = try file.read(into: input.baseAddress! + count, count: input.count - count,
                                      at: Int64(count))
                count += n
                atEnd = n == 0
            }
        } catch {
            input.deallocate()
            throw error
        }
        let format = CorpusFormat.detect(
            UnsafeRawBufferPointer(rebasing: input[0..<min(count, ByteStream.detectionBytes)]))
        var inflater: Inflater? = nil
        if format != .plain {
            do {
                inflater = try Inflater(format == .gzip ? .gzip : .zlib)
            } catch {
                input.deallocate()
                throw CorpusError.zlibFailed(path: file.path, operation: "start decompressing", status: error.status)
            }
        }
        self.path = file.path
        self.file = file
        self.format = format
        self.input = input
        self.inputCount = count
        self.fileOffset = Int64(count)
        self.atFileEnd = atEnd
        self.inflater = inflater
    }

    /// An independent stream at the same place as `other`: the same file, a copy of its inflate
    /// state and read-ahead bytes, so it continues exactly where `other` is without re-reading.
    private init(copying other: ByteStream, inputCapacity: Int) throws {
        let input = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(inputCapacity, other.inputCount, ByteStream.detectionBytes), alignment: 64)
        input.baseAddress!.copyMemory(from: other.input.baseAddress! + other.inputStart, byteCount: other.inputCount)
        var inflater: Inflater? = nil
        if let source = other.inflater {
            do {
                inflater = try Inflater(copying: source)
            } catch {
                input.deallocate()
                throw CorpusError.zlibFailed(path: other.path, operation: "open another stream of", status: error.status)
            }
        }
        self.path = other.path
        self.file = other.file
        self.format = other.format
        self.input = input
        self.inputCount = other.inputCount
        self.fileOffset = other.fileOffset
        self.atFileEnd = other.atFileEnd
        self.ended = other.ended
        self.offset = other.offset
        self.inflater = inflater
    }

    deinit {
        input.deallocate()
        scratch?.deallocate()
    }

    /// Fills as much of `buffer` as the stream has; returns 0 only at the clean end of the data.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !ended, buffer.count > 0 else { return 0 }
        let produced = inflater == nil ? try readPlain(into: buffer) : try readInflated(into: buffer)
        offset += Int64(produced)
        return produced
    }

    /// Moves `count` decompressed bytes ahead; plain files seek, compressed ones inflate and discard.
    public func skip(_ count: Int64) throws {
        guard count > 0 else { return }
        let target = offset + count
        if inflater == nil, file.isSeekable, let size = file.size {
            let fromInput = Int(min(Int64(inputCount), count))
            inputStart += fromInput
            inputCount -= fromInput
            let fileTarget = fileOffset + (count - Int64(fromInput))
            guard fileTarget <= size else { throw CorpusError.changed(path: path, offset: size, expected: target) }
            fileOffset = fileTarget
            offset = target
            return
        }
        if scratch == nil { scratch = .allocate(byteCount: 64 * 1024, alignment: 64) }
        while offset < target {
            let chunk = Int(min(Int64(scratch!.count), target - offset))
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch![0..<chunk]))
            if n == 0 { throw CorpusError.changed(path: path, offset: offset, expected: target) }
        }
    }

    /// An independent stream at this one's position (regular files only), for starting several
    /// streams at different offsets in one pass over the file.
    func copy(inputCapacity: Int) throws -> ByteStream {
        guard file.isSeekable else { throw CorpusError.needsFile(path: path) }
        return try ByteStream(copying: self, inputCapacity: inputCapacity)
    }

    // MARK: - Plain files

    private func readPlain(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = min(inputCount, buffer.count)
        buffer.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: produced)
        inputStart += produced
        inputCount -= produced
        // Past the read-ahead, read straight into the caller's buffer.
        while produced < buffer.count && !atFileEnd {
            let n = try file.read(into: buffer.baseAddress! + produced, count: buffer.count - produced, at: fileOffset)
            fileOffset += Int64(n)
            produced += n
            atFileEnd = n == 0
        }
        if produced == 0 { ended = true }
        return produced
    }

    // MARK: - gzip and zlib

    /// Where the next unconsumed compressed byte is, for error messages.
    private var compressedOffset: Int64 { fileOffset - Int64(inputCount) }

    private func readInflated(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var room = buffer
        while !room.isEmpty {
            if inputCount == 0 && !atFileEnd { try refill() }
            var pending = UnsafeRawBufferPointer(start: input.baseAddress! + inputStart, count: inputCount)
            let status = inflater!.inflate(&pending, into: &room)
            inputStart += inputCount - pending.count
            inputCount = pending.count
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if try !beginNextMember() {
                    ended = true
                    return buffer.count - room.count
                }
            case Z_BUF_ERROR where inputCount == 0 && atFileEnd:
                throw CorpusError.truncated(path: path, format: format, offset: compressedOffset,
                                            decompressed: offset + Int64(buffer.count - room.count))
            case Z_BUF_ERROR:
                continue  // no progress without more input; the loop refills
            default:
                throw inflateError(status)
            }
        }
        return buffer.count
    }

    /// After the end of a gzip member, starts the next one if the file goes on; a zlib stream
    /// has exactly one. Returns false at the clean end of the file.
    private func beginNextMember() throws -> Bool {
        try ensureInput(2)
        if inputCount == 0 { return false }
        let start = input.baseAddress! + inputStart
        guard format == .gzip, inputCount >= 2, start.load(as: UInt8.self) == 0x1f,
              start.load(fromByteOffset: 1, as: UInt8.self) == 0x8b
        else { throw CorpusError.trailingData(path: path, format: format, offset: compressedOffset) }
        inflater!.reset()
        return true
    }

    private func refill() throws {
        inputStart = 0
        inputCount = try file.read(into: input.baseAddress!, count: input.count, at: fileOffset)
        fileOffset += Int64(inputCount)
        atFileEnd = inputCount == 0
    }

    /// Makes at least `count` unconsumed bytes available, unless the file ends first.
    private func ensureInput(_ count: Int) throws {
        while inputCount < count && !atFileEnd {
            if inputStart > 0 {
                input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: inputCount)
                inputStart = 0
            }
            let n = try file.read(into: input.baseAddress! + inputCount, count: input.count - inputCount,
                                  at: fileOffset)
            fileOffset += Int64(n)
            inputCount += n
            atFileEnd = n == 0
        }
    }

    private func inflateError(_ status: Int32) -> CorpusError {
        let message = inflater!.message
        let streamBytes = inflater!.totalOut
        switch (status, message) {
        case (_, "incorrect data check"?):
            return .checkMismatch(path: path, offset: compressedOffset, check: format == .gzip ? .crc32 : .adler32,
                                  decompressed: streamBytes)
        case (_, "incorrect length check"?):
            return .checkMismatch(path: path, offset: compressedOffset, check: .length, decompressed: streamBytes)
        case (Z_NEED_DICT, _):
            return .corruptData(path: path, format: format, offset: compressedOffset,
                                detail: "the stream needs a preset dictionary, which a corpus cannot have")
        case (Z_MEM_ERROR, _):
            return .zlibFailed(path: path, operation: "decompress", status: status)
        case (_, let message?):
            return .corruptData(path: path, format: format, offset: compressedOffset, detail: message)
        default:
            return .corruptData(path: path, format: format, offset: compressedOffset, detail: "zlib status \(status)")
        }
    }
}
