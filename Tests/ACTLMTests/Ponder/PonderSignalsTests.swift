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
///     entropy    1    7     2    3    5     6    4    nil   (of the prediction made at the byte)
///
/// Measured: the bytes whose own surprisal and next-step loss are both known, ' ' b , ' ' 7 <
/// (3 boundaries, 3 others). ρ1 is above every other byte at every boundary (AUC 1); N1 has 2 at the
/// boundaries against 1, 1, 2 (2.5 of 3 per boundary, 7.5 / 9); ρ2 is below everywhere (0); N2 is tied
/// (0.5). Next-step loss at the boundaries 2, 4, 5 against 3, 6, 0.5: 2 beats 0.5, 4 and 5 beat 3 and 0.5,
/// 5 / 9. Own surprisal 1, 3, 4 against 2, 5, 6: 2 / 9. Entropy 7, 3, 5 against 2, 6, 4: 6 / 9.
///
/// Average precision, each distinct score from the highest down a step (marked, hits, precision):
/// - ρ1 3.5 (+), then 3 and 3 (+ +): precision 1 at both steps, AP 1.
/// - ρ2 the three 2s (no boundary), then the three 1.5s: precision 3 / 6 over all the recall, AP 0.5.
/// - N1 the four 2s (3 boundaries): AP 3 / 4. N2 one step of all six: AP 3 / 6.
/// - next-step loss 6 −, 5 +, 4 +, 3 −, 2 +, 0.5 −: (1/2 + 2/3 + 3/5) / 3 = 0.588 8….
/// - own surprisal 6 −, 5 −, 4 +, 3 +, 2 −, 1 +: (1/3 + 1/2 + 1/2) / 3 = 4 / 9.
/// - entropy 7 +, 6 −, 5 +, 4 −, 3 +, 2 −: (1 + 2/3 + 3/5) / 3 = 0.755 5….
/// F1 at the top 3 (ties by position, earliest first) = the share of boundaries among them: ρ1 1; ρ2 the
/// 2s, 0; N1 the first three of the four 2s (' ' , ' '), 1; N2 the first three bytes (' ' b ,), 2/3; next-step
/// loss 6 5 4, 2/3; own surprisal 6 5 4, 1/3; entropy 7 6 5, 2/3.
enum SignalExample {
    static let text = Array("a b, 7<c".utf8)
    static let bits: [Float?] = [nil, 1, 2, 3, 4, 5, 6, 0.5]
    static let rho: [[Float]] = [[9, 3, 2, 3.5, 3, 2, 2.5, 9], [2, 1.5, 2, 1.5, 1.5, 2, 2, 2]]
    static let steps: [[Int32]] = [[1, 2, 1, 2, 2, 1, 2, 1], [1, 1, 1, 1, 1, 1, 1, 1]]
    static let entropy: [Float?] = [1, 7, 2, 3, 5, 6, 4, nil]

    static func rows() -> [PonderMapRow] {
        text.indices.map { i in
            PonderMapRow(offset: Int64(i), byte: text[i], bits: bits[i], rho: rho.map { $0[i] }, steps: steps.map { $0[i] },
                         entropy: entropy[i])
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
        trace.record(start: 0, entropy: entropy.map { $0 ?? .nan })
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
        XCTAssertTrue(m.entropyRecorded)
        XCTAssertEqual(try XCTUnwrap(m.entropy.auc), 6.0 / 9, accuracy: 1e-12)
        // Average precision and F1 at the top 3.
        func check(_ d: BoundaryDetection, ap: Double, f1: Double, _ what: String) throws {
            XCTAssertEqual(try XCTUnwrap(d.averagePrecision), ap, accuracy: 1e-12, what)
            XCTAssertEqual(try XCTUnwrap(d.f1), f1, accuracy: 1e-12, what)
            XCTAssertEqual(d.precision, d.f1, what)
            XCTAssertEqual(d.recall, d.f1, what)
            XCTAssertEqual(d.topK?.marked, 3, what)
        }
        try check(m.perLayer[0].rho, ap: 1, f1: 1, "ρ1")
        try check(m.perLayer[1].rho, ap: 0.5, f1: 0, "ρ2")
        try check(m.perLayer[0].steps, ap: 0.75, f1: 1, "N1")
        try check(m.perLayer[1].steps, ap: 0.5, f1: 2.0 / 3, "N2")
        try check(m.nextLoss, ap: (1.0 / 2 + 2.0 / 3 + 3.0 / 5) / 3, f1: 2.0 / 3, "next-step loss")
        try check(m.surprisal, ap: 4.0 / 9, f1: 1.0 / 3, "own surprisal")
        try check(m.entropy, ap: (1 + 2.0 / 3 + 3.0 / 5) / 3, f1: 2.0 / 3, "entropy")
        // Digit '7', tag opening '<', and the one measured letter 'b'.
        XCTAssertEqual(m.perLayer[0].meanRho, .init(digits: 2, tagOpenings: 2.5, letters: 2))
        XCTAssertEqual(m.meanNextLoss, .init(digits: 6, tagOpenings: 0.5, letters: 3))
        // Both spaces follow text; each kind against b, 7 and <.
        XCTAssertEqual(m.byKind.map(\.kind), BoundaryKind.allCases)
        XCTAssertEqual(m.byKind.map(\.bytes), [2, 0, 1, 0, 0])
        XCTAssertEqual(try XCTUnwrap(m.byKind[0].entropyAUC), 5.0 / 6, accuracy: 1e-12, "7 and 5 against 2, 6 and 4")
        XCTAssertEqual(m.byKind[0].rhoAUC, [1, 0])
        XCTAssertEqual(m.byKind[2].rhoAUC, [1, 0])
        XCTAssertEqual(m.byKind[1].rhoAUC, [nil, nil])
        XCTAssertNil(m.byKind[1].nextLossAUC)
    }

    /// A space after a newline or another space is a gap space: not a boundary (a negative like a and b),
    /// yet a row of its own, scored against the other non-boundary bytes:
    ///
    ///     byte       x    ↵    ' '  ' '  a    b    ' '  c
    ///     kind            nl   gap  gap  -    -    sp
    ///     bits       nil  1    2    3    4    5    6    7
    ///     ρ          9    3    1    1    2    2.5  3    9
    ///
    /// Measured: ↵ … ' ' (indices 1–6): boundaries ↵ and the space after text, negatives the two gap
    /// spaces, a and b. ρ 3, 3 is above every negative (AUC 1, AP 1); the gap spaces' 1, 1 are below a
    /// and b (0). Next-step loss 2 (newline) and 7 (space) against 3, 4 (gap), 5, 6: AUC 4 / 8; highest
    /// first 7 +, 6, 5, 4, 3, 2 +: AP (1 + 2/6) / 2 = 2/3, and the top 2 (7, 6) hold one boundary: F1 1/2.
    func testByKindOfBoundary() throws {
        let text = Array("x\n  ab c".utf8)
        let rho: [Float] = [9, 3, 1, 1, 2, 2.5, 3, 9]
        var signals = PonderSignals(layers: 1)
        for i in text.indices {
            signals.add(PonderMapRow(offset: Int64(i), byte: text[i], bits: i == 0 ? nil : Float(i), rho: [rho[i]], steps: [1]))
        }
        let m = signals.metrics()
        XCTAssertEqual(m.bytes, 6)
        XCTAssertEqual(m.boundaries, 2)
        XCTAssertEqual(m.perLayer[0].rhoAUC, 1)
        XCTAssertEqual(m.perLayer[0].rho.averagePrecision, 1)
        XCTAssertEqual(m.perLayer[0].rho.f1, 1)
        XCTAssertEqual(m.nextLossAUC, 0.5)
        XCTAssertEqual(try XCTUnwrap(m.nextLoss.averagePrecision), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(m.nextLoss.f1, 0.5)
        let kinds = Dictionary(uniqueKeysWithValues: m.byKind.map { ($0.kind, $0) })
        XCTAssertEqual(kinds[.newline]?.bytes, 1)
        XCTAssertEqual(kinds[.gapSpace]?.bytes, 2)
        XCTAssertEqual(kinds[.space]?.bytes, 1)
        XCTAssertEqual(kinds[.newline]?.rhoAUC, [1])
        XCTAssertEqual(kinds[.gapSpace]?.rhoAUC, [0])
        XCTAssertEqual(kinds[.space]?.rhoAUC, [1])
        XCTAssertEqual(kinds[.space]?.stepsAUC, [0.5])
        XCTAssertEqual(kinds[.newline]?.nextLossAUC, 0)
        XCTAssertEqual(kinds[.gapSpace]?.nextLossAUC, 0)
        XCTAssertEqual(kinds[.space]?.nextLossAUC, 1)
        XCTAssertEqual(kinds[.space]?.surprisalAUC, 1)
        XCTAssertEqual(kinds[.punctuation]?.rhoAUC, [nil])

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(m)) as? [String: Any])
        let byKind = try XCTUnwrap(object["byBoundaryKind"] as? [[String: Any]])
        XCTAssertEqual(byKind.map { $0["kind"] as? String }, ["space", "gap_space", "punctuation", "sentence_end", "newline"])
        XCTAssertEqual(byKind.map { $0["isBoundary"] as? Bool }, [true, false, true, true, true])
        XCTAssertEqual(byKind[1]["rhoAuc"] as? [Double], [0])
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  gap space") })
        XCTAssertEqual(line.split(separator: " ").suffix(3), ["2", "0.000", "0.000"], m.text)
    }

    /// Every word-boundary byte has exactly one kind, a boundary kind; a gap space has the gap kind; nothing
    /// else has one.
    func testBoundaryKindsCoverTheWordBoundaries() {
        for previous in UInt8.min...UInt8.max {
            for current in UInt8.min...UInt8.max {
                let c = CharacterClass.classify(previous: previous, current: current)
                let kind = BoundaryKind.of(previous: previous, current: current)
                XCTAssertEqual(kind != nil, c.isWordBoundary || c == .gapSpace, "\(previous) \(current)")
                XCTAssertEqual(kind?.isWordBoundary ?? false, c.isWordBoundary, "\(previous) \(current)")
                XCTAssertEqual(CharacterClass.isWordBoundary(previous: previous, current: current), c.isWordBoundary)
            }
        }
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "d"), current: UInt8(ascii: " ")), .space)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "."), current: UInt8(ascii: "\t")), .space)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "\t"), current: UInt8(ascii: " ")), .gapSpace)
        XCTAssertEqual(BoundaryKind.of(previous: UInt8(ascii: "\r"), current: UInt8(ascii: " ")), .gapSpace)
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
        XCTAssertTrue(m.text.contains(", the first 5 of 8 bytes"), m.text)
    }

    /// A text without word boundaries (or with nothing else) has no AUC, AP or F1: null in JSON (never NaN),
    /// "–" in text.
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
        for key in ["rhoAveragePrecision", "rhoPrecision", "rhoRecall", "rhoF1"] {
            XCTAssertTrue(layer[key] is NSNull, key)
        }
        for key in ["nextLossAveragePrecision", "nextLossF1", "entropyAuc", "entropyAveragePrecision", "entropyF1"] {
            XCTAssertTrue(object[key] is NSNull, key)
        }
        let json = try JSONOutput.string(m)
        XCTAssertFalse(json.contains("nan"), json)
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  ρ layer 1") })
        XCTAssertTrue(line.hasSuffix(" –        –        –"), m.text)
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
        XCTAssertNil(old.entropy)
        XCTAssertEqual(Array(old.rho(layer: 0)), SignalExample.rho[0])
        let m = PonderSignals(trace: old).metrics()
        XCTAssertFalse(m.lossesRecorded)
        XCTAssertEqual(m.bytes, 8)
        XCTAssertEqual(m.boundaries, 3)
        XCTAssertNil(m.nextLossAUC)
        XCTAssertNil(m.surprisalAUC)
        XCTAssertFalse(m.entropyRecorded)
        XCTAssertNil(m.entropy.averagePrecision)
        // a, b, 7, <, c against the three boundaries: ρ1 3, 3.5, 3 beats 2, 2, 2.5 but not the 9s.
        XCTAssertEqual(try XCTUnwrap(m.perLayer[0].rhoAUC), 9.0 / 15, accuracy: 1e-12)
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  next-step loss") })
        XCTAssertTrue(line.hasSuffix("not recorded (this checkpoint's excerpt predates it)"), m.text)
    }

    /// A version 2 trace (bits, no entropy) gives the losses' measures and says the entropy was not recorded.
    func testTraceWithoutEntropy() throws {
        var writer = ByteWriter()
        writer.write(UInt32(2))
        writer.write(UInt32(2))
        writer.write(bytes: SignalExample.text)
        writer.write(floatArray: SignalExample.rho.flatMap { $0 })
        writer.write(UInt64(16))
        for n in SignalExample.steps.flatMap({ $0 }) { writer.write(UInt32(bitPattern: n)) }
        writer.write(floatArray: SignalExample.bits.map { $0 ?? .nan })
        var reader = ByteReader(writer.bytes)
        let old = try PonderTrace(from: &reader)
        try reader.expectEnd()
        XCTAssertNil(old.entropy)
        let m = PonderSignals(trace: old).metrics()
        XCTAssertTrue(m.lossesRecorded)
        XCTAssertFalse(m.entropyRecorded)
        XCTAssertEqual(try XCTUnwrap(m.nextLossAUC), 5.0 / 9, accuracy: 1e-12)
        XCTAssertNil(m.entropy.auc)
        XCTAssertEqual(m.byKind[0].entropyAUC, nil)
        let line = try XCTUnwrap(m.text.split(separator: "\n").first { $0.hasPrefix("  predictive entropy") })
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
        XCTAssertEqual(read.entropy?.dropLast().map { $0 }, SignalExample.entropy.dropLast().map { $0! })
        XCTAssertTrue(read.entropy?.last?.isNaN ?? false)
    }
}
