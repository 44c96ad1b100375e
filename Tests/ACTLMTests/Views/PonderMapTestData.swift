import Foundation
import ACTLM

/// Plausible ponder-map rows without a model: ponder rises at spaces, punctuation and word starts (the
/// paper's finding), surprise is high at word starts, plus seeded noise. Rows are made one at a time,
/// so a test can stream any number of them without holding them.
struct SyntheticPonder {
    let layers: Int
    private var random: RandomSource
    private var previous = UInt8(ascii: "\n")
    private var offset: Int64 = 0

    init(layers: Int, seed: UInt64 = 7) {
        self.layers = layers
        random = RandomSource(seed: seed)
    }

    mutating func row(_ byte: UInt8) -> PonderMapRow {
        let cls = CharacterClass.classify(previous: previous, current: byte)
        previous = byte
        let boost: Float
        switch cls {
        case .space, .newline: boost = 1.1
        case .sentenceEnd: boost = 1.6
        case .punctuation, .markup: boost = 0.7
        case .wordStart: boost = 0.5
        default: boost = 0
        }
        var rho: [Float] = []
        var steps: [Int32] = []
        for l in 0..<layers {
            let r = 1.02 + boost * (l == 0 ? 1 : 0.6) + 0.35 * random.nextUnitFloat() + Float(l) * 0.15
            rho.append(r)
            steps.append(Int32(max(1, r.rounded(.up) - 1)))
        }
        let surprise: Float = (cls == .wordStart || cls == .digit ? 3.5 : 0.6) + 2 * random.nextUnitFloat()
        let row = PonderMapRow(offset: offset, byte: byte, bits: offset == 0 ? nil : surprise,
                               rho: rho, steps: steps)
        offset += 1
        return row
    }

    mutating func rows(_ bytes: [UInt8]) -> [PonderMapRow] { bytes.map { row($0) } }
}

/// The summary the ponder statistics would compute, done plainly here for the views' tests.
func plainSummary(_ rows: [PonderMapRow], layers: Int) -> PonderMapSummary {
    var sums = [CharacterClass: [Double]]()
    var counts = [CharacterClass: Int64]()
    var previous = UInt8(ascii: "\n")
    var bits = 0.0
    var predicted = 0
    for row in rows {
        let cls = CharacterClass.classify(previous: previous, current: row.byte)
        previous = row.byte
        sums[cls, default: Array(repeating: 0, count: layers)] = zip(sums[cls] ?? Array(repeating: 0, count: layers),
                                                                     row.rho).map { $0 + Double($1) }
        counts[cls, default: 0] += 1
        if let b = row.bits { bits += Double(b); predicted += 1 }
    }
    let classes = CharacterClass.allCases.compactMap { c -> PonderMapSummary.ClassPonder? in
        guard let n = counts[c] else { return nil }
        return .init(characterClass: c, count: n, meanRho: sums[c]!.map { $0 / Double(n) })
    }
    let meanRho = (0..<layers).map { l in rows.reduce(0.0) { $0 + Double($1.rho[l]) } / Double(max(rows.count, 1)) }
    let ratio: [Double?] = (0..<layers).map { l in
        let boundary = classes.filter { CharacterClass.wordBoundary.contains($0.characterClass) }
        let inside = classes.first { $0.characterClass == .wordInside }
        let boundaryCount = boundary.reduce(Int64(0)) { $0 + $1.count }
        guard let inside, boundaryCount > 0 else { return nil }
        let boundaryMean = boundary.reduce(0.0) { $0 + $1.meanRho[l] * Double($1.count) } / Double(boundaryCount)
        return boundaryMean / inside.meanRho[l]
    }
    return PonderMapSummary(layers: layers, bytes: Int64(rows.count), classes: classes, meanRho: meanRho,
                            bitsPerCharacter: predicted > 0 ? bits / Double(predicted) : nil,
                            boundaryToInsideRatio: ratio)
}

/// A text with everything a view must survive: markup, quotes, backslashes, tabs, CR LF, a control
/// byte, accented letters, CJK, an emoji, and bytes that are not valid UTF-8.
let awkwardText: [UInt8] = Array("""
    <page id="42">The "quick" brown fox & the \\lazy\\ dog.\tTab!\r
    Zürich — naïve café, 日本語 and 🙂; <b>bold</b> [[link|text]] {{cite}} 3.14%\u{01}
    """.utf8) + [0xFF, 0x41, 0xC3, 0x28, 0xE2, 0x82] + Array(" end.\n".utf8)

/// Up to `limit` bytes of the shared Wikipedia sample when this machine has it, else nil.
func wikipediaSample(limit: Int) -> [UInt8]? {
    guard let path = CorpusFixtures.sharedCorpus, let stream = try? ByteStream(path: path) else { return nil }
    var bytes = [UInt8](repeating: 0, count: limit)
    var count = 0
    while count < limit,
          let n = try? bytes.withUnsafeMutableBytes({ try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }),
          n > 0 {
        count += n
    }
    return count == 0 ? nil : Array(bytes[..<count])
}

/// Removes ANSI escape sequences (ESC [ … final byte).
func strippingEscapes(_ bytes: [UInt8]) -> (text: [UInt8], escapeOffsets: [Int]) {
    var text: [UInt8] = []
    var offsets: [Int] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == 0x1B, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "[") {
            offsets.append(text.count)
            i += 2
            while i < bytes.count, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
            i += 1
        } else {
            text.append(bytes[i])
            i += 1
        }
    }
    return (text, offsets)
}
