import XCTest
import ACTLM

/// A window small enough to work out by hand: B = 2 streams, T = 3 steps, M = 4, two layers.
///
///     stream 0: previous 'o', then "n A"   →  n inside word (the 'o' came in the last window), ' ' space, A word start
///     stream 1: previous '.', then "to."   →  t word start, o inside word, '.' sentence end
///
/// Time-major, index t·B + b:   n  t  ' '  o  A  .
/// Layer 1 ρ:                 1.5 2.25 3.5 1.25 2.5 4.75    N: 1 2 3 1 2 4
/// Layer 2 ρ:                 2 everywhere                   N: 1 everywhere (R = 1)
enum HandExample {
    static let inputs: [UInt8] = Array("nt oA.".utf8)
    static let previous: [UInt8] = Array("o.".utf8)
    static let rho1: [Float] = [1.5, 2.25, 3.5, 1.25, 2.5, 4.75]
    static let steps1: [Int32] = [1, 2, 3, 1, 2, 4]

    static func stats() -> PonderStats {
        var stats = PonderStats(layers: 2, maxPonder: 4)
        stats.record(layer: 0, inputs: inputs, previous: previous, rho: rho1, steps: steps1)
        stats.record(layer: 1, inputs: inputs, previous: previous, rho: Array(repeating: 2, count: 6),
                     steps: Array(repeating: 1, count: 6))
        return stats
    }
}

final class PonderStatsTests: XCTestCase {
    func testHandWorkedMeansByClass() throws {
        let stats = HandExample.stats()
        XCTAssertEqual(stats.count(layer: 0), 6)
        XCTAssertEqual(stats.count(layer: 0, class: .wordInside), 2)
        XCTAssertEqual(stats.count(layer: 0, class: .wordStart), 2)
        XCTAssertEqual(stats.count(layer: 0, class: .digit), 0)
        // inside word: n 1.5, o 1.25; word start: t 2.25, A 2.5
        XCTAssertEqual(try XCTUnwrap(stats.meanRho(layer: 0, class: .wordInside)), 1.375, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(stats.meanRho(layer: 0, class: .wordStart)), 2.375, accuracy: 1e-12)
        XCTAssertEqual(stats.meanRho(layer: 0, class: .space), 3.5)
        XCTAssertEqual(stats.meanRho(layer: 0, class: .sentenceEnd), 4.75)
        XCTAssertNil(stats.meanRho(layer: 0, class: .digit))
        XCTAssertEqual(stats.meanSteps(layer: 0, class: .wordStart), 2)
        XCTAssertEqual(stats.meanSteps(layer: 0, class: .sentenceEnd), 4)
        // (1.5 + 2.25 + 3.5 + 1.25 + 2.5 + 4.75) / 6
        XCTAssertEqual(try XCTUnwrap(stats.meanRho(layer: 0)), 2.625, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(stats.meanSteps(layer: 0)), 13.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(stats.meanRho(layer: 1), 2)
    }

    func testHandWorkedBoundaryRatioAndHistogram() {
        let stats = HandExample.stats()
        // boundary bytes: ' ' 3.5 and '.' 4.75 → 4.125; inside words 1.375; 4.125 / 1.375 = 3
        XCTAssertEqual(stats.meanRho(layer: 0, classes: CharacterClass.wordBoundary), 4.125)
        XCTAssertEqual(stats.boundaryToInsideRatio(layer: 0)!, 3, accuracy: 1e-12)
        XCTAssertEqual(stats.boundaryToInsideRatio(layer: 1), 1)
        XCTAssertEqual(stats.stepHistogram(layer: 0), [2, 2, 1, 1])
        XCTAssertEqual(stats.stepHistogram(layer: 1), [6, 0, 0, 0])
    }

    func testHandWorkedPerByteMeans() {
        let stats = HandExample.stats()
        XCTAssertEqual(stats.count(layer: 0, byte: UInt8(ascii: "o")), 1, "the previous-window 'o' is not counted")
        XCTAssertEqual(stats.meanRho(layer: 0, byte: UInt8(ascii: "o")), 1.25)
        XCTAssertEqual(stats.meanRho(layer: 0, byte: UInt8(ascii: ".")), 4.75)
        XCTAssertEqual(stats.meanSteps(layer: 0, byte: UInt8(ascii: " ")), 3)
        XCTAssertNil(stats.meanRho(layer: 0, byte: UInt8(ascii: "z")))
    }

    func testNoWordInsidesGivesNoRatio() {
        var stats = PonderStats(layers: 1, maxPonder: 2)
        stats.record(layer: 0, inputs: Array(" .".utf8), previous: [0x0A], rho: [1.5, 1.5], steps: [1, 1])
        XCTAssertNil(stats.boundaryToInsideRatio(layer: 0))
        XCTAssertNil(PonderStats(layers: 1, maxPonder: 2).meanRho(layer: 0))
    }

    func testStepsOutsideTheRangeAreClamped() {
        var stats = PonderStats(layers: 1, maxPonder: 3)
        stats.record(layer: 0, inputs: Array("abc".utf8), previous: [0x0A], rho: [1, 2, 9], steps: [0, 2, 9])
        XCTAssertEqual(stats.stepHistogram(layer: 0), [1, 1, 1])
    }

    /// Splitting a text into windows, with the last byte of each passed on as `previous`, must give the
    /// same statistics as one window over the whole text.
    func testWindowsAddUpToTheWhole() {
        let text = Array("The cat sat. On the mat, 42 <b>dogs</b>\nran!".utf8)
        let batch = 3, steps = text.count / batch
        // Stream b reads text[b·steps ..< (b+1)·steps]; time-major layout.
        func window(_ t0: Int, _ t1: Int) -> [UInt8] {
            (t0..<t1).flatMap { t in (0..<batch).map { b in text[b * steps + t] } }
        }
        let rhoOf: (UInt8) -> Float = { 1 + Float($0 % 7) / 7 }
        let stepsOf: (UInt8) -> Int32 = { 1 + Int32($0 % 3) }

        var whole = PonderStats(layers: 1, maxPonder: 3)
        let all = window(0, steps)
        whole.record(layer: 0, inputs: all, previous: Array(repeating: 0x0A, count: batch),
                     rho: all.map(rhoOf), steps: all.map(stepsOf))

        var parts = PonderStats(layers: 1, maxPonder: 3)
        var previous = [UInt8](repeating: 0x0A, count: batch)
        var first = PonderStats(layers: 1, maxPonder: 3), rest = first
        for (index, (t0, t1)) in [(0, 5), (5, 9), (9, steps)].enumerated() {
            let inputs = window(t0, t1)
            parts.record(layer: 0, inputs: inputs, previous: previous, rho: inputs.map(rhoOf), steps: inputs.map(stepsOf))
            if index == 0 {
                first.record(layer: 0, inputs: inputs, previous: previous, rho: inputs.map(rhoOf), steps: inputs.map(stepsOf))
            } else {
                rest.record(layer: 0, inputs: inputs, previous: previous, rho: inputs.map(rhoOf), steps: inputs.map(stepsOf))
            }
            previous = Array(inputs.suffix(batch))
        }
        XCTAssertEqual(parts.count(layer: 0, class: .wordStart), whole.count(layer: 0, class: .wordStart))
        XCTAssertEqual(parts, whole)
        first.merge(rest)
        XCTAssertEqual(first, whole)
        XCTAssertGreaterThan(whole.count(layer: 0, class: .markup), 0)
    }

    func testEncodingRoundTrip() throws {
        let stats = HandExample.stats()
        var writer = ByteWriter()
        stats.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(try PonderStats(from: &reader, expecting: stats.layers, maxPonder: stats.maxPonder), stats)
        XCTAssertTrue(reader.isAtEnd)

        for cut in stride(from: 0, to: writer.count, by: 97) {
            var short = ByteReader(Array(writer.bytes[0..<cut]))
            XCTAssertThrowsError(try PonderStats(from: &short, expecting: stats.layers, maxPonder: stats.maxPonder))
        }
        var wrongVersion = writer.bytes
        wrongVersion[0] = 9
        var reader9 = ByteReader(wrongVersion)
        XCTAssertThrowsError(try PonderStats(from: &reader9, expecting: stats.layers, maxPonder: stats.maxPonder)) { error in
            XCTAssertTrue("\(error)".contains("ponder statistics version 9"), "\(error)")
        }
        // A header claiming another shape is refused before any table is sized from it.
        var otherReader = ByteReader(writer.bytes)
        XCTAssertThrowsError(try PonderStats(from: &otherReader, expecting: stats.layers, maxPonder: stats.maxPonder + 1)) {
            XCTAssertTrue("\($0)".contains("for a model of 2 layers and M = 5"), "\($0)")
        }
    }

    /// A space or tab after a space, tab or newline is a gap space, also across windows (the byte before
    /// comes from `previous`), and stays out of the boundary/inside ratio:
    ///
    ///     stream 0: previous 'a', then "  b"   →  ' ' space (after a), ' ' gap space, b word start
    ///     stream 1: previous ' ', then " cd"   →  ' ' gap space (after the previous window's ' '), c, d
    ///
    /// Time-major: ' ' ' ' ' ' c b d, ρ 4 9 9 1 2 1: boundary 4 against inside 1, ratio 4; gap spaces 9.
    func testGapSpacesAreNotBoundaries() {
        var stats = PonderStats(layers: 1, maxPonder: 4)
        stats.record(layer: 0, inputs: Array("   cbd".utf8), previous: Array("a ".utf8), rho: [4, 9, 9, 1, 2, 1],
                     steps: [1, 1, 1, 1, 1, 1])
        XCTAssertEqual(stats.count(layer: 0, class: .space), 1)
        XCTAssertEqual(stats.count(layer: 0, class: .gapSpace), 2)
        XCTAssertEqual(stats.meanRho(layer: 0, class: .gapSpace), 9)
        XCTAssertEqual(stats.meanRho(layer: 0, classes: CharacterClass.wordBoundary), 4)
        XCTAssertEqual(stats.boundaryToInsideRatio(layer: 0), 4)
    }

    /// Statistics of version 1 (nine classes, before gap spaces had one) are read with an empty gap-space
    /// column and every other table as it was.
    func testReadsVersion1() throws {
        let stats = HandExample.stats()
        var writer = ByteWriter()
        stats.encode(into: &writer)
        // The same tables in version 1's layout: each layer's class row without its last (gap-space) entry.
        var reader = ByteReader(writer.bytes)
        _ = try reader.readUInt32()
        let layers = try reader.readUInt32(), maxPonder = try reader.readUInt32(), classes = Int(try reader.readUInt32())
        let tables = [try reader.readDoubleArray(), try reader.readDoubleArray()]
        let byteCounts = try reader.readUInt64Array()
        let classSums = [try reader.readDoubleArray(), try reader.readDoubleArray()]
        let classCounts = try reader.readUInt64Array()
        let histogram = try reader.readUInt64Array()
        func narrow<T>(_ table: [T]) -> [T] {
            (0..<Int(layers)).flatMap { table[$0 * classes..<($0 + 1) * classes - 1] }
        }
        var old = ByteWriter()
        old.write(UInt32(1))
        old.write(layers)
        old.write(maxPonder)
        old.write(UInt32(classes - 1))
        for t in tables { old.write(doubleArray: t) }
        old.write(uint64Array: byteCounts)
        for t in classSums { old.write(doubleArray: narrow(t)) }
        old.write(uint64Array: narrow(classCounts))
        old.write(uint64Array: histogram)
        var oldReader = ByteReader(old.bytes)
        XCTAssertEqual(try PonderStats(from: &oldReader, expecting: 2, maxPonder: 4), stats)
        XCTAssertTrue(oldReader.isAtEnd)
    }

    func testResetClearsEverything() {
        var stats = HandExample.stats()
        stats.reset()
        XCTAssertEqual(stats, PonderStats(layers: 2, maxPonder: 4))
    }
}

final class PonderTraceTests: XCTestCase {
    func testRecordReadAndRoundTrip() throws {
        var trace = PonderTrace(text: Array("ab cd".utf8), layers: 2)
        trace.record(layer: 0, start: 0, rho: [1.5, 1.25], steps: [1, 1])
        trace.record(layer: 0, start: 2, rho: [3.5, 2.5, 1.75], steps: [3, 2, 1])
        trace.record(layer: 1, start: 0, rho: [2, 2, 2, 2, 2], steps: [1, 1, 1, 1, 1])
        XCTAssertEqual(Array(trace.rho(layer: 0)), [1.5, 1.25, 3.5, 2.5, 1.75])
        XCTAssertEqual(Array(trace.steps(layer: 0)), [1, 1, 3, 2, 1])
        XCTAssertEqual(Array(trace.rho(layer: 1)), [2, 2, 2, 2, 2])

        var writer = ByteWriter()
        trace.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        XCTAssertEqual(try PonderTrace(from: &reader), trace)
        try reader.expectEnd()

        var short = ByteReader(Array(writer.bytes.dropLast()))
        XCTAssertThrowsError(try PonderTrace(from: &short))
    }

    func testJSONHasOneArrayPerLayer() throws {
        var trace = PonderTrace(text: Array("hi".utf8), layers: 2)
        trace.record(layer: 1, start: 0, rho: [1.5, 2.5], steps: [1, 2])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(trace)) as? [String: Any]
        XCTAssertEqual(object?["text"] as? String, "hi")
        XCTAssertEqual(object?["steps"] as? [[Int]], [[0, 0], [1, 2]])
        XCTAssertEqual(object?["rho"] as? [[Double]], [[0, 0], [1.5, 2.5]])
    }
}
