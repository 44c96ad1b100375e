/// The average precision of a score as a detector of a class: the area under its precision–recall
/// curve, computed step-wise over the distinct thresholds as scikit-learn's `average_precision_score`
/// does (no interpolation):
///
///     AP = Σ_n (R_n − R_{n−1}) · P_n,   R_0 = 0,
///
/// where threshold n is the n-th highest distinct score, and P_n, R_n are the precision and recall of
/// marking every byte that scores at least that much. Tied scores form one step: they are marked
/// together, never ordered among themselves, so the result does not depend on the order of the input.
/// 1: every positive above every negative; the share of positives: a score that carries no information
/// (in expectation); lower: positives sit low.
public enum AveragePrecision {
    /// Exact, in O(n log n): one sort of the scores with the labels packed in, then one pass from the
    /// highest score down. nil when either class is empty or a score is NaN, as for `ROCAUC`: without a
    /// positive recall is undefined, and without a negative every score would get 1 (scikit-learn
    /// returns 1 there and warns without positives; a report would claim a signal where nothing was
    /// measured). nil is null in JSON.
    public static func of(scores: [Float], positive: [Bool]) -> Double? {
        precondition(scores.count == positive.count, "one label per score")
        var keys = [UInt64](repeating: 0, count: scores.count)
        var positives = 0
        for i in scores.indices {
            guard !scores[i].isNaN else { return nil }
            keys[i] = UInt64(ROCAUC.orderedBits(scores[i])) << 1 | (positive[i] ? 1 : 0)
            if positive[i] { positives += 1 }
        }
        guard positives > 0, positives < scores.count else { return nil }
        keys.sort(by: >)
        var area = 0.0, truePositives = 0, marked = 0
        var i = 0
        while i < keys.count {
            let score = keys[i] >> 1
            var groupPositives = 0
            while i < keys.count && keys[i] >> 1 == score {
                groupPositives += Int(keys[i] & 1)
                marked += 1
                i += 1
            }
            guard groupPositives > 0 else { continue }
            truePositives += groupPositives
            area += Double(groupPositives) / Double(positives) * Double(truePositives) / Double(marked)
        }
        return area
    }
}
