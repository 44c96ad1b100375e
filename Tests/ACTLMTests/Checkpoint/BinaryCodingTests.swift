import XCTest
import ACTLM

final class BinaryCodingTests: XCTestCase {
    func testRoundTripOfEveryType() throws {
        var writer = ByteWriter()
        writer.write(UInt8(0xAB))
        writer.write(true)
        writer.write(UInt32.max - 7)
        writer.write(UInt64(0x0123_4567_89AB_CDEF))
        writer.write(Int64.min + 3)
        writer.write(-42)
        writer.write(Float(-0.0))
        writer.write(Float.infinity)
        writer.write(Double.pi)
        writer.write(bytes: [1, 2, 3])
        writer.write(string: "ünïcode ✓")
        writer.write(string: "")
        writer.write(floatArray: [1.5, -2.25, .greatestFiniteMagnitude])
        writer.write(floatArray: [])
        writer.write(doubleArray: [0.1, -1e300])
        writer.write(uint64Array: [0, .max])

        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(try reader.readUInt8(), 0xAB)
        XCTAssertEqual(try reader.readBool(), true)
        XCTAssertEqual(try reader.readUInt32(), UInt32.max - 7)
        XCTAssertEqual(try reader.readUInt64(), 0x0123_4567_89AB_CDEF)
        XCTAssertEqual(try reader.readInt64(), Int64.min + 3)
        XCTAssertEqual(try reader.readInt(), -42)
        let negativeZero = try reader.readFloat()
        XCTAssertEqual(negativeZero.bitPattern, Float(-0.0).bitPattern)
        XCTAssertEqual(try reader.readFloat(), .infinity)
        XCTAssertEqual(try reader.readDouble(), .pi)
        XCTAssertEqual(try reader.readBytes(), [1, 2, 3])
        XCTAssertEqual(try reader.readString(), "ünïcode ✓")
        XCTAssertEqual(try reader.readString(), "")
        XCTAssertEqual(try reader.readFloatArray(), [1.5, -2.25, .greatestFiniteMagnitude])
        XCTAssertEqual(try reader.readFloatArray(), [])
        XCTAssertEqual(try reader.readDoubleArray(), [0.1, -1e300])
        XCTAssertEqual(try reader.readUInt64Array(), [0, .max])
        XCTAssertTrue(reader.isAtEnd)
        XCTAssertNoThrow(try reader.expectEnd())
    }

    func testNaNPayloadSurvives() throws {
        let nan = Float(bitPattern: 0x7FC0_1234)
        var writer = ByteWriter()
        writer.write(floatArray: [nan])
        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(try reader.readFloatArray().first?.bitPattern, 0x7FC0_1234)
    }

    func testLittleEndianLayout() {
        var writer = ByteWriter()
        writer.write(UInt32(0x0102_0304))
        writer.write(Float(1))
        writer.write(bytes: [9])
        XCTAssertEqual(writer.bytes, [4, 3, 2, 1, 0x00, 0x00, 0x80, 0x3F, 1, 0, 0, 0, 0, 0, 0, 0, 9])
    }

    func testBulkFloatsMatchOneByOne() throws {
        let values: [Float] = (0..<1000).map { Float($0) * 0.37 - 100 }
        var bulk = ByteWriter(), single = ByteWriter()
        values.withUnsafeBufferPointer { bulk.write(floats: $0) }
        for value in values { single.write(value) }
        XCTAssertEqual(bulk.bytes, single.bytes)

        var reader = ByteReader(bulk.bytes)
        var back = [Float](repeating: 0, count: values.count)
        try back.withUnsafeMutableBufferPointer { try reader.readFloats(into: $0) }
        XCTAssertEqual(back, values)
    }

    func testReadingPastTheEndThrowsAndDoesNotAdvance() {
        var reader = ByteReader([1, 2, 3])
        XCTAssertThrowsError(try reader.readUInt32()) { error in
            XCTAssertEqual(error as? ByteReaderError,
                           ByteReaderError(problem: .truncated(needed: 4, available: 3), offset: 0))
            XCTAssertEqual("\(error)", "data ends early at byte 0: needed 4 more bytes, only 3 left")
        }
        XCTAssertEqual(reader.offset, 0)
        XCTAssertEqual(try reader.readUInt8(), 1)
    }

    func testEveryPrefixOfAnEncodingThrowsTruncated() throws {
        var writer = ByteWriter()
        writer.write(string: "abc")
        writer.write(floatArray: [1, 2, 3])
        writer.write(doubleArray: [4])
        writer.write(Int64(5))
        for cut in 0..<writer.count {
            var reader = ByteReader(Array(writer.bytes[0..<cut]))
            XCTAssertThrowsError(try {
                _ = try reader.readString()
                _ = try reader.readFloatArray()
                _ = try reader.readDoubleArray()
                _ = try reader.readInt64()
            }()) { error in
                guard case .truncated = (error as? ByteReaderError)?.problem else {
                    return XCTFail("cut \(cut): \(error)")
                }
            }
        }
    }

    func testAHugeCountDoesNotAllocate() {
        var writer = ByteWriter()
        writer.write(UInt64.max)
        writer.write(Float(1))
        var reader = ByteReader(writer.bytes)
        XCTAssertThrowsError(try reader.readFloatArray()) { error in
            guard case .truncated(_, let available) = (error as? ByteReaderError)?.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(available, 4)
        }
    }

    func testInvalidValuesAndLeftovers() {
        var bad = ByteReader([2])
        XCTAssertThrowsError(try bad.readBool()) { XCTAssertTrue("\($0)".contains("boolean byte 2")) }

        var writer = ByteWriter()
        writer.write(bytes: [0xFF, 0xFE])
        var notText = ByteReader(writer.bytes)
        XCTAssertThrowsError(try notText.readString()) { XCTAssertTrue("\($0)".contains("not UTF-8")) }

        var leftover = ByteReader([1, 2])
        _ = try? leftover.readUInt8()
        XCTAssertThrowsError(try leftover.expectEnd()) {
            XCTAssertEqual("\($0)", "1 unexpected bytes after the end of the data at byte 1")
        }
    }
}
