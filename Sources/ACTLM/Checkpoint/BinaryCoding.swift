/// Little-endian binary encoding for checkpoint section payloads.
///
/// Every multi-byte value is written little-endian whatever the host, so a checkpoint moves between
/// machines. Counts and lengths are UInt64, so no section is limited to 4 GiB.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: UInt32) { appendLittleEndian(value) }

    public mutating func write(_ value: UInt64) { appendLittleEndian(value) }

    public mutating func write(_ value: Int64) { appendLittleEndian(UInt64(bitPattern: value)) }

    /// Swift's `Int`, stored as Int64.
    public mutating func write(_ value: Int) { write(Int64(value)) }

    public mutating func write(_ value: Float) { appendLittleEndian(value.bitPattern) }

    public mutating func write(_ value: Double) { appendLittleEndian(value.bitPattern) }

    /// Bytes as they are, without a length: the reader must know how many to expect.
    public mutating func write(raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    /// A length-prefixed byte array.
    public mutating func write(bytes value: [UInt8]) {
        write(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A length-prefixed UTF-8 string.
    public mutating func write(string: String) {
        write(bytes: Array(string.utf8))
    }

    /// Floats without a count, in one copy on little-endian hosts (the parameter buffers are large).
    public mutating func write(floats: UnsafeBufferPointer<Float>) {
        #if _endian(little)
        bytes.append(contentsOf: UnsafeRawBufferPointer(floats))
        #else
        for value in floats { write(value) }
        #endif
    }

    /// A count-prefixed Float array.
    public mutating func write(floatArray: [Float]) {
        write(UInt64(floatArray.count))
        floatArray.withUnsafeBufferPointer { write(floats: $0) }
    }

    /// A count-prefixed Double array.
    public mutating func write(doubleArray: [Double]) {
        write(UInt64(doubleArray.count))
        #if _endian(little)
        doubleArray.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in doubleArray { write(value) }
        #endif
    }

    /// A count-prefixed UInt64 array.
    public mutating func write(uint64Array: [UInt64]) {
        write(UInt64(uint64Array.count))
        #if _endian(little)
        uint64Array.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in uint64Array { write(value) }
        #endif
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// What went wrong while decoding a payload; `CheckpointFile.decode` adds the file and section names.
public struct ByteReaderError: Error, CustomStringConvertible, Equatable {
    public enum Problem: Equatable, Sendable {
        /// The payload ended `needed` bytes too early.
        case truncated(needed: Int, available: Int)
        /// A value that cannot be right (a negative count, a string that is not UTF-8, ...).
        case invalid(String)
        /// Bytes were left over after everything expected was read.
        case trailingBytes(Int)
    }

    public var problem: Problem
    public var offset: Int

    public init(problem: Problem, offset: Int) {
        self.problem = problem
        self.offset = offset
    }

    public var description: String {
        switch problem {
        case let .truncated(needed, available):
            return "data ends early at byte \(offset): needed \(needed) more bytes, only \(available) left"
        case let .invalid(what):
            return "invalid value at byte \(offset): \(what)"
        case let .trailingBytes(count):
            return "\(count) unexpected bytes after the end of the data at byte \(offset)"
        }
    }
}

/// Reads what `ByteWriter` wrote; never reads past the end, throws `ByteReaderError` instead.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var remaining: Int { bytes.count - offset }

    public var isAtEnd: Bool { offset == bytes.count }

    /// Throws unless every byte has been read: leftovers mean writer and reader disagree on the layout.
    public func expectEnd() throws {
        if remaining != 0 { throw ByteReaderError(problem: .trailingBytes(remaining), offset: offset) }
    }

    public mutating func readUInt8() throws -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readBool() throws -> Bool {
        let start = offset
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let other: throw ByteReaderError(problem: .invalid("boolean byte \(other)"), offset: start)
        }
    }

    public mutating func readUInt32() throws -> UInt32 { try readLittleEndian() }

    public mutating func readUInt64() throws -> UInt64 { try readLittleEndian() }

    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readLittleEndian()) }

    /// An `Int` written by `write(_: Int)`.
    public mutating func readInt() throws -> Int { Int(try readInt64()) }

    public mutating func readFloat() throws -> Float { Float(bitPattern: try readLittleEndian()) }

    public mutating func readDouble() throws -> Double { Double(bitPattern: try readLittleEndian()) }

    /// `count` bytes as they are.
    public mutating func readRaw(count: Int) throws -> [UInt8] {
        try require(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func readBytes() throws -> [UInt8] {
        try readRaw(count: try readCount(elementSize: 1))
    }

    public mutating func readString() throws -> String {
        let start = offset
        let raw = try readBytes()
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw ByteReaderError(problem: .invalid("a string that is not UTF-8"), offset: start)
        }
        return string
    }

    /// `count` floats written by `write(floats:)`, straight into `destination`.
    public mutating func readFloats(into destination: UnsafeMutableBufferPointer<Float>) throws {
        let size = destination.count * MemoryLayout<Float>.size
        try require(size)
        bytes.withUnsafeBytes { source in
            #if _endian(little)
            UnsafeMutableRawBufferPointer(destination)
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + size]))
            #else
            for i in 0..<destination.count {
                destination[i] = Float(bitPattern: source.loadUnaligned(fromByteOffset: offset + 4 * i,
                                                                        as: UInt32.self).littleEndian)
            }
            #endif
        }
        offset += size
    }

    public mutating func readFloatArray() throws -> [Float] {
        let count = try readCount(elementSize: MemoryLayout<Float>.size)
        var result = [Float](repeating: 0, count: count)
        try result.withUnsafeMutableBufferPointer { try readFloats(into: $0) }
        return result
    }

    public mutating func readDoubleArray() throws -> [Double] {
        let count = try readCount(elementSize: MemoryLayout<Double>.size)
        var result = [Double](repeating: 0, count: count)
        for i in 0..<count { result[i] = try readDouble() }
        return result
    }

    public mutating func readUInt64Array() throws -> [UInt64] {
        let count = try readCount(elementSize: MemoryLayout<UInt64>.size)
        var result = [UInt64](repeating: 0, count: count)
        for i in 0..<count { result[i] = try readUInt64() }
        return result
    }

    /// A count prefix, checked against the bytes left so a damaged count never allocates wildly.
    private mutating func readCount(elementSize: Int) throws -> Int {
        let start = offset
        let count = try readUInt64()
        guard count <= UInt64(remaining / elementSize) else {
            let needed = count.multipliedReportingOverflow(by: UInt64(elementSize))
            throw ByteReaderError(
                problem: .truncated(needed: needed.overflow || needed.partialValue > UInt64(Int.max)
                                        ? Int.max : Int(needed.partialValue),
                                    available: remaining),
                offset: start + 8)
        }
        return Int(count)
    }

    private mutating func readLittleEndian<T: FixedWidthInteger>() throws -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    private func require(_ count: Int) throws {
        if count < 0 || count > remaining {
            throw ByteReaderError(problem: .truncated(needed: count, available: remaining), offset: offset)
        }
    }
}
