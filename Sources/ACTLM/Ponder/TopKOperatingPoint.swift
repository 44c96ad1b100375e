/// A score used as a detector at one operating point: the k highest-scoring bytes are marked, ties at the
/// cut broken by position, the earliest first. With k = the number of positives (`atPositiveCount`) the
/// point needs no threshold tuned on the text it is measured on, and every false mark is a missed
/// positive, so precision = recall = F1.
public struct TopKOperatingPoint: Equatable, Sendable {
    /// Bytes marked (k).
    public let marked: Int
    /// Marked bytes that are positives.
    public let truePositives: Int
    /// truePositives / marked.
    public let precision: Double
    /// truePositives / positives.
    public let recall: Double
    /// The harmonic mean of precision and recall; 0 when both are 0.
    public let f1: Double

    /// Marks the top `k` of `scores` (0 < k ≤ n); nil when there is no positive or no negative (as for
    /// `ROCAUC` and `AveragePrecision`), or a score is NaN.
    public init?(scores: [Float], positive: [Bool], k: Int) {
        precondition(scores.count == positive.count, "one label per score")
        precondition(k >= 1 && k <= scores.count, "mark between 1 and \(scores.count) bytes, not \(k)")
        precondition(scores.count < 1 << 32, "positions fit in 32 bits")
        let positives = positive.lazy.filter { $0 }.count
        guard positives > 0, positives < scores.count, !scores.contains(where: \.isNaN) else { return nil }
        // Highest score first, then earliest position: the complement of the ordered bits sorts
        // descending, the position ascending.
        var keys = scores.indices.map { i in UInt64(~ROCAUC.orderedBits(scores[i])) << 32 | UInt64(i) }
        keys.sort()
        var hits = 0
        for key in keys.prefix(k) where positive[Int(key & 0xFFFF_FFFF)] { hits += 1 }
        marked = k
        truePositives = hits
        precision = Double(hits) / Double(k)
        recall = Double(hits) / Double(positives)
        f1 = hits == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    /// The point where as many bytes are marked as there are positives.
    public static func atPositiveCount(scores: [Float], positive: [Bool]) -> TopKOperatingPoint? {
        let positives = positive.lazy.filter { $0 }.count
        guard positives > 0 else { return nil }
        return TopKOperatingPoint(scores: scores, positive: positive, k: positives)
    }
}
