import Foundation
import XCTest
import ACTLM

/// A text small enough to work out by hand (a newline comes before it):
///
///     byte       a    ' '   b    ,    ' '   7    <    c
///     boundary   -    B     -    B    B     -    -    -
///     bits       nil  1     2    3    4     5    6    0.5   (own surprisal; next-step loss = the next one)
///     ρ layer 1  9    3     2    3.5  3     2    2.5  9
///     N layer 1  1    2     1    2    2     1    2    1
///     ρ layer 2  2    1.5   2    1.5  1.5   2    2    2     N layer 2: 1 everywhere
///
/// Measured: the bytes whose own surprisal and next-step loss are both known, ' ' b , ' ' 7 <
/// (3 boundaries, 3 others). ρ1 is above every other byte at every boundary (AUC 1); N1 has 2 at the
/// boundaries against 1, 1, 2 (2.5 of 3 per boundary, 7.5 / 9); ρ2 is below everywhere (0); N2 is tied
/// (0.5). Next-step loss at the boundaries 2, 4, 5 against 3, 6, 0.5: 2 beats 0.5, 4 and 5 beat 3 and 0.5,
/// 5 / 9. Own surprisal 1, 3, 4 against 2, 5, 6: 2 / 9.
enum SignalExample {
    static let text = Array("a b, 7<c".utf8)
    static let bits: [Float?] = [nil, 1, 2, 3, 4, 5, 6, 0.5]
    static let rho: [[Float]] = [[9, 3, 2, 3.5, 3, 2, 2.5, 9], [2, 1.5, 2, 1.5, 1.5, 2, 2, 2]]
    static let steps: [[Int32]] = [[1, 2, 1, 2, 2, 1, 2, 1], [1, 1, 1, 1, 1, 1, 1, 1]]

    static func rows() -> [PonderMapRow] {
        text.indices.map { i in
            PonderMapRow(offset: Int64(i), byte: text[i], bits: bits[i], rho: rho.map { $0[i] }, steps: steps.map { $0[i] })
        }
    }

    static func signals(capacity: Int = PonderSignals.defaultCapacity) -> PonderSignals {
        var signals = PonderSignals(layers: 2, capacity: capacity)
        for row in rows() { signals.add(row) }
        return signals
    }

    static func trace() -> PonderTrace {
        var trace = PonderTrace(text: text, layers: 2)
        for l in 0..<2 { trace.record(layer: l, start: 0, rho: rho[l], steps: steps[l]) }
        trace.record(start: 0, bits: bits.map { $0 ?? .nan })
        return trace
    }
}

final class PonderSignalsTests: XCTestCase {
    func testHandWorkedAUCsAndMeans() throws {
        let m = SignalExample.signals().metrics()
        XCTAssertEqual(m.textBytes, 8)
        XCTAssertEqual(m.keptBytes, 8)
        XCTAssertEqual(m.bytes, 6)
        XCTAssertEqual(m.boundaries, 3)
        XCTAssertEqual([m.digits, m.tagOpenings, m.letters], [1, 1, 1])
        XCTAssertTrue(m.lossesRecorded)
        XCTAssertEqual(m.perLayer.map(\.layer), [1, 2])
        XCTAssertEqual(m.perLayer[0].rhoAUC, 1)
        XCTAssertEqual(try XCTUnwrap(m.perLayer[0].stepsAUC), 7.5 / 9, accuracy: 1e-12)
        XCTAssertEqual(m.perLayer[1].rhoAUC, 0)
        XCTAssertEqual(m.perLayer[1].stepsAUC, 0.5)
        XCTAssertEqual(try XCTUnwrap(m.nextLossAUC), 5.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(m.surprisalAUC), 2.0 / 9, accuracy: 1e-12)
        // Digit '7', tag opening '<', and the one measured letter 'b'.
        XCTAssertEqual(m.perLayer[0].meanRho, .init(digits: 2, tagOpenings: 2.5, letters: 2))
        XCTAssertEqual(m.meanNextLoss, .init(digits: 6, tagOpenings: 0.5, letters: 3))
        // Both spaces follow text; each kind against b, 7 and <.
        XCTAssertEqual(m.byKind.map(\.kind), BoundaryKind.allCases)
        XCTAssertEqual(m.byKind.map(\.bytes), [2, 0, 1, 0, 0])
        XCTAssertEqual(m.byKind[0].rhoAUC, [1, 0])
        XCTAssertEqual(m.byKind[2].rhoAUC, [1, 0])
        XCTAssertEqual(m.byKind[1].rhoAUC, [nil, nil])
        XCTAssertNil(m.byKind[1].nextLossAUC)
    }

    /// A space after a newline or another space is a boundary of its own kind, scored against the same
    /// non-boundary bytes as every other kind:
    ///
    ///     byte       x    ↵    ' '  ' '  a    b    ' '  c
    ///     kind            nl   run  run  -    -    sp
    ///     bits       nil  1    2    3    4    5    6    7
    ///     ρ          9    3    1    1    2    2.5  3    9
    ///
    /// Measured: ↵ … ' ' (indices 1–6), negatives a and b. All boundaries: ρ 3, 1, 1, 3 against 2, 2.5
    /// wins 4 of 8 pairs; the newline and the space after text are above both (1), the run below (0).
    /// Next-step loss 2 (newline), 3 and 4 (run), 7 (space) against 5 and 6.
    func testByKindOfBoundary() throws {
        let text = Array("x\n  ab c".utf8)
        let rho: [Float] = [9, 3, 1, 1, 2, 2.5, 3, 9]
        var signals = PonderSignals(layers: 1)
        for i in text.indices {
            signals.add(PonderMapRow(offset: Int64(i), byte: text[i], bits: i == 0 ? nil : Float(i), rho: [rho[i]], steps: [1]))
        }
        let m = signals.metrics()
        XCTAssertEqual(m.bytes, 6)
        XCTAssertEqual(m.boundaries, 4)
        XCTAssertEqual(m.perLayer[0].rhoAUC, 0.5)
        let kinds = Dictionary(uniqueKeysWithValues: m.byKind.map { ($0.kind, $0) })
        XCTAssertEqual(kinds[.newline]?.bytes, 1)
        XCTAssertEqual(kinds[.whitespaceRun]?.bytes, 2)
        XCTAssertEqual(kinds[.space]?.bytes, 1)
        XCTAssertEqual(kinds[.newline]?.rhoAUC, [1])
        XCTAssertEqual(kinds[.whitespaceRun]?.rhoAUC, [0])
        XCTAssertEqual(kinds[.space]?.rhoAUC, [1])
        XCTAssertEqual(kinds[.space]?.stepsAUC, [0.5])
        XCTAssertEqual(kinds[.newline]?.nextLossAUC, 0)
        XCTAssertEqual(kinds[.whitespaceRun]?.nextLossAUC, 0)
        XCTAssertEqual(kinds[.space]?.nextLossAUC, 1)
        XCTAssertEqual(kinds[.space]?.surprisalAUC, 1)
        XCTAssertEqual(kinds[.punctuation]?.rhoAUC, [nil])

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(m)) as? [String: Any])
        let byKind = try XCTUnwrap(object["byBoundaryKind"] as? [[String: Any]])
        XCTAssertEqual(byKind.map { $0["kind"] as? String }, ["space", "whitespace_run", "punctuation", "sentence_end", "newline"])
        XCTAssertEqual(byKind[1]["rhoAuc"] as? [Double], [0])
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  space in a run") })
        XCTAssertEqual(line.split(separator: " ").suffix(3), ["2", "0.000", "0.000"], m.text)
    }

    /// Every word-boundary byte has exactly one kind, and nothing else has one.
    func testBoundaryKindsCoverTheWordBoundaries() {
        for previous in UInt8.min...UInt8.max {
            for current in UInt8.min...UInt8.max {
                let isBoundary = CharacterClass.wordBoundary.contains(CharacterClass.classify(previous: previous, current: current))
                XCTAssertEqual(BoundaryKind.of(previous: previous, current: current) != nil, isBoundary, "\(previous) \(current)")
            }
        }
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "d"), current: UInt8(ascii: " ")), .space)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "."), current: UInt8(ascii: "\t")), .space)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "\t"), current: UInt8(ascii: " ")), .whitespaceRun)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "\r"), current: UInt8(ascii: " ")), .whitespaceRun)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: " "), current: UInt8(ascii: "!")), .sentenceEnd)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: " "), current: UInt8(ascii: "\n")), .newline)
    }

    /// Past its capacity the bytes are counted, not kept; the last kept byte has no next-step loss.
    func testCapacity() {
        let m = SignalExample.signals(capacity: 5).metrics()
        XCTAssertEqual(m.textBytes, 8)
        XCTAssertEqual(m.keptBytes, 5)
        XCTAssertEqual(m.bytes, 3, "' ', b and ','")
        XCTAssertEqual(m.boundaries, 2)
        XCTAssertEqual(m.perLayer[0].rhoAUC, 1)
        XCTAssertNil(m.perLayer[0].meanRho.digits)
        XCTAssertTrue(m.text.contains("(the first 5 of 8 bytes)"), m.text)
    }

    /// A text without word boundaries (or with nothing else) has no AUC: null in JSON, "–" in text.
    func testOneClassIsUndefinedNotChance() throws {
        var signals = PonderSignals(layers: 1)
        for (i, byte) in Array("abcdefg".utf8).enumerated() {
            signals.add(PonderMapRow(offset: Int64(i), byte: byte, bits: i == 0 ? nil : Float(i), rho: [Float(i)], steps: [1]))
        }
        let m = signals.metrics()
        XCTAssertEqual(m.bytes, 5)
        XCTAssertEqual(m.boundaries, 0)
        XCTAssertNil(m.perLayer[0].rhoAUC)
        XCTAssertNil(m.nextLossAUC)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(m)) as? [String: Any])
        XCTAssertTrue(object["nextLossAuc"] is NSNull, "\(object)")
        let layer = try XCTUnwrap((object["perLayer"] as? [[String: Any]])?.first)
        XCTAssertTrue(layer["rhoAuc"] is NSNull)
        XCTAssertEqual(layer["stepsAuc"].map { $0 is NSNull }, true)
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  ρ (ponder cost)") })
        XCTAssertTrue(line.hasSuffix(" –"), m.text)
        XCTAssertFalse(m.text.contains("0.500"))
    }

    /// A checkpoint's excerpt gives what its rows give; one written before the bits were kept gives ρ and
    /// N over every byte, and says the losses were not recorded.
    func testFromATrace() throws {
        let fromRows = SignalExample.signals().metrics()
        let fromTrace = PonderSignals(trace: SignalExample.trace()).metrics()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        XCTAssertEqual(String(decoding: try encoder.encode(fromTrace), as: UTF8.self),
                       String(decoding: try encoder.encode(fromRows), as: UTF8.self))

        var writer = ByteWriter()
        writer.write(UInt32(1))
        writer.write(UInt32(2))
        writer.write(bytes: SignalExample.text)
        writer.write(floatArray: SignalExample.rho.flatMap { $0 })
        writer.write(UInt64(16))
        for n in SignalExample.steps.flatMap({ $0 }) { writer.write(UInt32(bitPattern: n)) }
        var reader = ByteReader(writer.bytes)
        let old = try PonderTrace(from: &reader)
        try reader.expectEnd()
        XCTAssertNil(old.bits)
        XCTAssertEqual(Array(old.rho(layer: 0)), SignalExample.rho[0])
        let m = PonderSignals(trace: old).metrics()
        XCTAssertFalse(m.lossesRecorded)
        XCTAssertEqual(m.bytes, 8)
        XCTAssertEqual(m.boundaries, 3)
        XCTAssertNil(m.nextLossAUC)
        XCTAssertNil(m.surprisalAUC)
        // a, b, 7, <, c against the three boundaries: ρ1 3, 3.5, 3 beats 2, 2, 2.5 but not the 9s.
        XCTAssertEqual(try XCTUnwrap(m.perLayer[0].rhoAUC), 9.0 / 15, accuracy: 1e-12)
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  next-step loss") })
        XCTAssertTrue(line.hasSuffix("not recorded (this checkpoint's excerpt predates it)"), m.text)
    }

    func testTraceKeepsItsBits() throws {
        let trace = SignalExample.trace()
        var writer = ByteWriter()
        trace.encode(into: &writer)
        var reader = ByteReader(writer.bytes)
        let read = try PonderTrace(from: &reader)
        XCTAssertEqual(read, trace)
        XCTAssertEqual(read.bits?.dropFirst().map { $0 }, SignalExample.bits.dropFirst().map { $0! })
        XCTAssertTrue(read.bits?.first?.isNaN ?? false)
    }
}
