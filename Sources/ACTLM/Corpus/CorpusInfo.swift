/// What one streaming pass over a corpus found: its size, format and train/validation split.
public struct CorpusInfo: Codable, Equatable, Sendable {
    public var path: String
    public var format: CorpusFormat
    /// Decompressed bytes in `path`.
    public var totalBytes: Int64
    /// How many of the 256 byte values occur in `path`.
    public var distinctBytes: Int
    /// The first `trainBytes` of `path` are for training.
    public var trainBytes: Int64
    /// The last `validBytes` of `path`, or all of `validPath` when that is set.
    public var validBytes: Int64
    /// Set when validation comes from a separate file; training then uses all of `path`.
    public var validPath: String?

    public init(path: String, format: CorpusFormat, totalBytes: Int64, distinctBytes: Int,
                trainBytes: Int64, validBytes: Int64, validPath: String? = nil) {
        self.path = path
        self.format = format
        self.totalBytes = totalBytes
        self.distinctBytes = distinctBytes
        self.trainBytes = trainBytes
        self.validBytes = validBytes
        self.validPath = validPath
    }
}
