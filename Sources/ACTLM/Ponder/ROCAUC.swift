/// The area under the ROC curve of a score as a detector of a class: the probability that a random
/// positive scores higher than a random negative, a tie counting half (the Mann–Whitney U statistic over
/// the product of the class sizes). 1: every positive above every negative; 0.5: no signal; 0: every
/// positive below.
public enum ROCAUC {
    /// Exact, in O(n log n): one sort of the scores with the labels packed in, then one pass that counts
    /// for each run of equal scores the negatives below it. nil when either class is empty or a score is
    /// NaN: then there is no area to report (0.5 would claim "no signal" where nothing was measured).
    public static func area(scores: [Float], positive: [Bool]) -> Double? {
        precondition(scores.count == positive.count, "one label per score")
        var keys = [UInt64](repeating: 0, count: scores.count)
        var positives: UInt64 = 0
        for i in scores.indices {
            guard !scores[i].isNaN else { return nil }
            keys[i] = UInt64(orderedBits(scores[i])) << 1 | (positive[i] ? 1 : 0)
            if positive[i] { positives += 1 }
        }
        let negatives = UInt64(scores.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        keys.sort()
        // Twice U, in integers: 2 for each positive above a negative, 1 for each tie.
        var twiceU: UInt64 = 0, negativesBelow: UInt64 = 0
        var i = 0
        while i < keys.count {
            let score = keys[i] >> 1
            var p: UInt64 = 0, q: UInt64 = 0
            while i < keys.count && keys[i] >> 1 == score {
                if keys[i] & 1 == 1 { p += 1 } else { q += 1 }
                i += 1
            }
            twiceU += 2 * p * negativesBelow + p * q
            negativesBelow += q
        }
        return Double(twiceU) / (2 * Double(positives) * Double(negatives))
    }

    /// A Float's bits as an unsigned integer of the same order (−0 and +0 equal).
    @inline(__always)
    static func orderedBits(_ x: Float) -> UInt32 {
        let bits = (x == 0 ? Float(0) : x).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}
