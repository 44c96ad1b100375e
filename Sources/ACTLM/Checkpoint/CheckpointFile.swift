import CZlib
import Foundation

/// The checkpoint container: named sections of bytes, each deflated and checksummed, behind a
/// checksummed header, written so that a crash or a full disk never replaces a good file with a bad one.
///
/// Layout (all integers little-endian):
///
///     0      "ACTLMCKP"                      magic, 8 bytes
///     8      format version                  UInt32
///     12     section table length TL         UInt32
///     16     CRC-32 of bytes 0..<16          UInt32   (this 20-byte prelude is the same in every version)
///     20     section table, TL bytes:        count UInt32, then per section:
///              tag (UInt8 length + ASCII), raw length UInt64, stored length UInt64,
///              CRC-32 of the stored bytes, CRC-32 of the raw bytes
///              (the stored CRC catches damage zlib would not notice, the raw CRC checks the inflate)
///     20+TL  CRC-32 of the section table     UInt32
///     24+TL  the sections' zlib streams, in table order, each `stored length` bytes; nothing after
///
/// Every byte is covered by a checksum, so damage anywhere is reported, never read as data.
public struct CheckpointFile {
    public static let magic: [UInt8] = Array("ACTLMCKP".utf8)
    /// The newest format this code writes and reads.
    public static let formatVersion: UInt32 = 1
    public static let maximumTagLength = 32
    static let preludeSize = 20

    /// Section tag → raw (uncompressed) payload, for sections given to be written. A section set here
    /// replaces one of the same name read from disk.
    public var sections: [String: [UInt8]]
    /// Sections read from disk, still deflated: each is inflated when asked for, up to a size the asker
    /// gives, so a length the table claims is never allocated on its word.
    private var stored: [String: StoredSection] = [:]
    /// The file this was read from; names the file in decoding errors.
    public private(set) var path: String?

    /// One section as the file holds it; `bytes` passed its stored checksum when the file was read.
    struct StoredSection {
        var bytes: ArraySlice<UInt8>
        var rawLength: Int
        var storedCRC: UInt32
        var rawCRC: UInt32
    }

    public init(sections: [String: [UInt8]] = [:]) {
        self.sections = sections
    }

    // MARK: Section payloads

    /// Every section's name, read or given, in tag order.
    public var tags: [String] { Set(sections.keys).union(stored.keys).sorted() }

    public func has(_ tag: String) -> Bool { sections[tag] != nil || stored[tag] != nil }

    /// The raw length of section `tag` as its table entry claims it (or as given), without inflating it.
    public func claimedLength(_ tag: String) -> Int? { sections[tag]?.count ?? stored[tag]?.rawLength }

    public mutating func removeSection(_ tag: String) {
        sections[tag] = nil
        stored[tag] = nil
    }

    /// The raw bytes of section `tag`, inflated chunk by chunk and never past `limit` bytes: a section
    /// claiming or inflating to more is refused before it is allocated.
    public func payload(_ tag: String, atMost limit: Int = .max) throws -> [UInt8] {
        let name = path ?? "checkpoint"
        if let raw = sections[tag] {
            guard raw.count <= limit else { throw CheckpointError.sectionTooLarge(path: name, section: tag, length: raw.count, limit: limit) }
            return raw
        }
        guard let section = stored[tag] else { throw CheckpointError.missingSection(path: name, section: tag) }
        guard section.rawLength <= limit else {
            throw CheckpointError.sectionTooLarge(path: name, section: tag, length: section.rawLength, limit: limit)
        }
        guard let raw = CheckpointFile.inflate(section.bytes, rawLength: section.rawLength) else {
            throw CheckpointError.corruptedSection(path: name, section: tag, detail: "its compressed data is invalid")
        }
        guard CheckpointFile.crc(raw[...]) == section.rawCRC else {
            throw CheckpointError.corruptedSection(path: name, section: tag, detail: "checksum mismatch after decompression")
        }
        return raw
    }

    /// Every section's raw bytes (for tests and tools that look at a whole file).
    public func payloads() throws -> [String: [UInt8]] {
        var all: [String: [UInt8]] = [:]
        for tag in tags { all[tag] = try payload(tag) }
        return all
    }

    /// Stores the bytes `body` writes as section `tag`.
    public mutating func encode(_ tag: String, _ body: (inout ByteWriter) throws -> Void) rethrows {
        var writer = ByteWriter()
        try body(&writer)
        sections[tag] = writer.bytes
    }

    /// Decodes section `tag` (at most `limit` raw bytes) with `body`, which must consume it exactly;
    /// failures name file and section.
    public func decode<T>(_ tag: String, atMost limit: Int = .max, _ body: (inout ByteReader) throws -> T) throws -> T {
        let name = path ?? "checkpoint"
        var reader = ByteReader(try payload(tag, atMost: limit))
        do {
            let value = try body(&reader)
            try reader.expectEnd()
            return value
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError.malformedSection(path: name, section: tag, detail: "\(error)")
        }
    }

    /// Stores `value` as JSON, for small structured sections (configurations) that may gain fields.
    public mutating func encodeJSON<T: Encodable>(_ tag: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        sections[tag] = Array(try encoder.encode(value))
    }

    /// Decodes JSON section `tag`; small by nature, so at most `limit` bytes (1 MiB unless told).
    public func decodeJSON<T: Decodable>(_ type: T.Type, _ tag: String, atMost limit: Int = 1 << 20) throws -> T {
        let name = path ?? "checkpoint"
        let bytes = try payload(tag, atMost: limit)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw CheckpointError.malformedSection(path: name, section: tag, detail: "\(error)")
        }
    }

    // MARK: Writing

    /// Writes all sections to `path` through `AtomicFile`, so `path` holds either the old file or the
    /// complete new one, never a part; a failure leaves the old file as it was.
    /// Level 1 by default: float parameters deflate only ~7% at any level, and level 1 is the fastest.
    public func write(to path: String, compressionLevel: Int32 = 1,
                      operations: AtomicFile.Operations = .system) throws {
        let bytes = try serialized(compressionLevel: compressionLevel, path: path)
        do {
            try AtomicFile.write(bytes, to: path, operations: operations)
        } catch let error as AtomicFile.WriteError {
            throw CheckpointError.writeFailed(path: error.path, reason: error.reason)
        }
    }

    /// The whole file as bytes; sections in tag order, so equal contents give identical files.
    func serialized(compressionLevel: Int32, path: String) throws -> [UInt8] {
        let tags = self.tags
        var table = ByteWriter()
        table.write(UInt32(tags.count))
        var payloads: [[UInt8]] = []
        for tag in tags {
            let ascii = Array(tag.utf8)
            guard !ascii.isEmpty, ascii.count <= CheckpointFile.maximumTagLength,
                  ascii.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw CheckpointError.invalidSectionName(tag)
            }
            // A section read and not replaced is written as it was read, without inflating it.
            let section: StoredSection
            if let raw = sections[tag] {
                guard let deflated = CheckpointFile.deflate(raw, level: compressionLevel) else {
                    throw CheckpointError.writeFailed(path: path, reason: "zlib could not compress section \"\(tag)\"")
                }
                section = StoredSection(bytes: deflated[...], rawLength: raw.count,
                                        storedCRC: CheckpointFile.crc(deflated[...]), rawCRC: CheckpointFile.crc(raw[...]))
            } else {
                section = stored[tag]!
            }
            table.write(UInt8(ascii.count))
            ascii.withUnsafeBytes { table.write(raw: $0) }
            table.write(UInt64(section.rawLength))
            table.write(UInt64(section.bytes.count))
            table.write(section.storedCRC)
            table.write(section.rawCRC)
            payloads.append(Array(section.bytes))
        }

        var file = ByteWriter(capacity: 24 + table.count + payloads.reduce(0) { $0 + $1.count })
        CheckpointFile.magic.withUnsafeBytes { file.write(raw: $0) }
        file.write(CheckpointFile.formatVersion)
        file.write(UInt32(table.count))
        file.write(CheckpointFile.crc(file.bytes[...]))
        table.bytes.withUnsafeBytes { file.write(raw: $0) }
        file.write(CheckpointFile.crc(table.bytes[...]))
        for payload in payloads { payload.withUnsafeBytes { file.write(raw: $0) } }
        return file.bytes
    }

    // MARK: Reading

    /// Reads and verifies the checkpoint at `path`. Never modifies anything on disk.
    public static func read(from path: String) throws -> CheckpointFile {
        try parse(try readWholeFile(path), path: path)
    }

    /// Verifies, in file order, the prelude, the section table and every section's stored checksum; the
    /// first damage found is the error.
    static func parse(_ data: [UInt8], path: String) throws -> CheckpointFile {
        try verifyPrelude(data, path: path)
        let table = try readSectionTable(data, path: path)
        let total = table.sectionsStart + table.entries.reduce(0) { $0 + $1.storedLength }
        if data.count < total {
            throw CheckpointError.truncated(path: path, expected: total, found: data.count, exact: true)
        }
        if data.count > total {
            throw CheckpointError.corruptedHeader(
                path: path, detail: "\(data.count - total) unexpected bytes after the last section")
        }

        // Damage anywhere is found here; each section is inflated only when a reader asks for it.
        var checkpoint = CheckpointFile()
        checkpoint.path = path
        var offset = table.sectionsStart
        for entry in table.entries {
            let stored = data[offset..<offset + entry.storedLength]
            offset += entry.storedLength
            guard crc(stored) == entry.storedCRC else {
                throw CheckpointError.corruptedSection(path: path, section: entry.tag, detail: "checksum mismatch")
            }
            checkpoint.stored[entry.tag] = StoredSection(bytes: stored, rawLength: entry.rawLength,
                                                         storedCRC: entry.storedCRC, rawCRC: entry.rawCRC)
        }
        return checkpoint
    }

    /// Checks the 20-byte prelude: magic, checksum and a format version this code reads.
    private static func verifyPrelude(_ data: [UInt8], path: String) throws {
        let size = data.count
        if size < preludeSize {
            let start = data.prefix(magic.count)
            if magic.starts(with: start) {
                throw CheckpointError.truncated(path: path, expected: preludeSize, found: size, exact: false)
            }
            throw CheckpointError.notACheckpoint(path: path)
        }
        let storedPreludeCRC = loadUInt32(data, at: 16)
        if !data.starts(with: magic) {
            // A checksum that fits the right magic means this is ours with damaged magic bytes.
            if crc((magic + data[8..<16])[...]) == storedPreludeCRC {
                throw CheckpointError.corruptedHeader(path: path, detail: "the magic bytes are damaged")
            }
            throw CheckpointError.notACheckpoint(path: path)
        }
        guard crc(data[0..<16]) == storedPreludeCRC else {
            throw CheckpointError.corruptedHeader(path: path, detail: "header checksum mismatch")
        }
        let version = loadUInt32(data, at: 8)
        if version > formatVersion {
            throw CheckpointError.newerVersion(path: path, version: version, supported: formatVersion)
        }
        if version == 0 {
            throw CheckpointError.corruptedHeader(path: path, detail: "format version 0 does not exist")
        }
    }

    /// One section as the table describes it.
    private struct TableEntry {
        var tag: String
        var rawLength: Int
        var storedLength: Int
        var storedCRC, rawCRC: UInt32
    }

    /// The section table after a verified prelude, checked against its checksum, and where the sections
    /// begin.
    private static func readSectionTable(_ data: [UInt8],
                                         path: String) throws -> (entries: [TableEntry], sectionsStart: Int) {
        let tableEnd = preludeSize + Int(loadUInt32(data, at: 12))
        if data.count < tableEnd + 4 {
            throw CheckpointError.truncated(path: path, expected: tableEnd + 4, found: data.count, exact: false)
        }
        guard crc(data[preludeSize..<tableEnd]) == loadUInt32(data, at: tableEnd) else {
            throw CheckpointError.corruptedHeader(path: path, detail: "section table checksum mismatch")
        }
        var entries: [TableEntry] = []
        do {
            var table = ByteReader(Array(data[preludeSize..<tableEnd]))
            let count = try table.readUInt32()
            for _ in 0..<count { entries.append(try readTableEntry(&table)) }
            try table.expectEnd()
        } catch {
            throw CheckpointError.corruptedHeader(path: path, detail: "section table: \(error)")
        }
        if Set(entries.map(\.tag)).count != entries.count {
            throw CheckpointError.corruptedHeader(path: path, detail: "a section name appears twice")
        }
        return (entries, tableEnd + 4)
    }

    private static func readTableEntry(_ table: inout ByteReader) throws -> TableEntry {
        let tagLength = Int(try table.readUInt8())
        guard let tag = String(validating: try table.readRaw(count: tagLength), as: UTF8.self) else {
            throw ByteReaderError(problem: .invalid("a section name that is not text"), offset: table.offset)
        }
        let raw = try table.readUInt64(), stored = try table.readUInt64()
        // Deflate expands at most ~1032:1; anything beyond is damage, not data to allocate for.
        guard stored <= UInt64(Int32.max) * 64, raw <= stored * 1040 + 64 else {
            throw ByteReaderError(problem: .invalid("impossible lengths for section \"\(tag)\""),
                                  offset: table.offset)
        }
        return TableEntry(tag: tag, rawLength: Int(raw), storedLength: Int(stored),
                          storedCRC: try table.readUInt32(), rawCRC: try table.readUInt32())
    }

    // MARK: Helpers

    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) }
    }

    static func loadUInt32(_ data: [UInt8], at offset: Int) -> UInt32 {
        data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    /// One zlib stream of `raw`, or nil if zlib fails (out of memory, invalid level).
    static func deflate(_ raw: [UInt8], level: Int32) -> [UInt8]? {
        var length = compressBound(uLong(raw.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            raw.withUnsafeBufferPointer { compress2(out.baseAddress, &length, $0.baseAddress, uLong($0.count), level) }
        }
        guard status == Z_OK else { return nil }
        output.removeSubrange(Int(length)...)
        return output
    }

    /// The raw bytes, or nil unless `stored` is exactly one valid zlib stream of `rawLength` bytes.
    /// The output grows with what the stream really produces (from about twice the stored size), so a
    /// claimed length far beyond the data costs nothing, and it never grows past `rawLength`.
    static func inflate(_ stored: ArraySlice<UInt8>, rawLength: Int) -> [UInt8]? {
        guard let inflater = try? Inflater(.zlib) else { return nil }
        var output = [UInt8](repeating: 0, count: min(rawLength, 2 * stored.count + (1 << 16)))
        var produced = 0
        var spare: UInt8 = 0   // one byte past `rawLength`: a stream that fills it is too long
        return stored.withUnsafeBytes { whole -> [UInt8]? in
            var input = whole
            while true {
                if produced == output.count && output.count < rawLength {
                    output.append(contentsOf: repeatElement(0, count: min(rawLength, 2 * output.count) - output.count))
                }
                let status: Int32
                if produced < output.count {
                    status = output.withUnsafeMutableBytes { out in
                        var room = UnsafeMutableRawBufferPointer(rebasing: out[produced...])
                        let status = inflater.inflate(&input, into: &room)
                        produced = out.count - room.count
                        return status
                    }
                } else {
                    var tooLong = false
                    status = withUnsafeMutableBytes(of: &spare) { byte in
                        var room = byte
                        let status = inflater.inflate(&input, into: &room)
                        tooLong = room.isEmpty
                        return status
                    }
                    if tooLong { return nil }
                }
                if status == Z_STREAM_END { break }
                guard status == Z_OK else { return nil }
            }
            guard produced == rawLength, input.isEmpty else { return nil }
            return output
        }
    }

    static func readWholeFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw CheckpointError.missing(path: path) }
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.unreadable(path: path, reason: "not a regular file")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
