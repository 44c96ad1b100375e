/// How well one signal (a layer's ρ or N, a loss, the entropy) marks word boundaries, by the three
/// measures `PonderSignalMetrics` reports for it: the ROC AUC, the average precision, and precision,
/// recall and F1 at the operating point where the signal marks as many bytes as there are boundaries.
/// Each is nil where it is undefined (a class empty, a score NaN, the signal not recorded): null in JSON.
public struct BoundaryDetection: Equatable, Sendable {
    /// `ROCAUC.area`.
    public let auc: Double?
    /// `AveragePrecision.of`: a signal without information scores about the share of boundaries.
    public let averagePrecision: Double?
    /// `TopKOperatingPoint.atPositiveCount`: precision = recall = F1 there.
    public let topK: TopKOperatingPoint?

    public static let unrecorded = BoundaryDetection(auc: nil, averagePrecision: nil, topK: nil)

    public init(auc: Double?, averagePrecision: Double?, topK: TopKOperatingPoint?) {
        self.auc = auc
        self.averagePrecision = averagePrecision
        self.topK = topK
    }

    /// The measures of `scores` for the bytes where `positive` holds against the others.
    public init(scores: [Float], positive: [Bool]) {
        self.init(auc: ROCAUC.area(scores: scores, positive: positive),
                  averagePrecision: AveragePrecision.of(scores: scores, positive: positive),
                  topK: TopKOperatingPoint.atPositiveCount(scores: scores, positive: positive))
    }

    public var precision: Double? { topK?.precision }
    public var recall: Double? { topK?.recall }
    public var f1: Double? { topK?.f1 }
}
