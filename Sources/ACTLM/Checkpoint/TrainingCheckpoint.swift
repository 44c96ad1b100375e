import Foundation

/// Everything a training run needs to continue exactly where it stopped, plus what people want to see
/// about it (metrics history, validation, where the model ponders). Stored as sections of a
/// `CheckpointFile`; the model itself is in the shared `config` and `parameters` sections, so every
/// command that runs a model reads training checkpoints too.
public struct TrainingCheckpoint {
    /// The version of the training sections; a file with a larger one was written by a newer actlm.
    public static let trainingFormat: UInt32 = 1

    public enum Tag {
        public static let training = "training"            // TrainingSummary, JSON
        public static let adam = "adam"
        public static let positions = "corpus-positions"   // where each of the B training streams goes on
        public static let networkState = "network-state"   // the carried recurrent state [L, 2, B, H]
        public static let random = "random"
        public static let metrics = "metrics"
        public static let ponderStats = "ponder-stats"
        public static let ponderTrace = "ponder-trace"
    }

    /// The corpus a run trains on, checked when it resumes.
    public struct CorpusIdentity: Codable, Equatable, Sendable {
        public var path: String
        public var trainBytes: Int64
        public var validBytes: Int64
        public var validPath: String?

        public init(_ info: CorpusInfo) {
            path = info.path
            trainBytes = info.trainBytes
            validBytes = info.validBytes
            validPath = info.validPath
        }
    }

    /// The headline numbers of the last validation.
    public struct ValidationSummary: Codable, Equatable, Sendable {
        public var step: Int
        public var bpc: Double
        public var meanRho: [Double]
        public var chars: Int

        public init(step: Int, bpc: Double, meanRho: [Double], chars: Int) {
            self.step = step
            self.bpc = bpc
            self.meanRho = meanRho
            self.chars = chars
        }

        public init(_ result: ValidationResult) {
            self.init(step: result.step, bpc: result.bpc, meanRho: result.meanRho, chars: result.chars)
        }
    }

    public var options: TrainingOptions
    public var corpus: CorpusIdentity
    public var step: Int
    /// Training bytes read so far.
    public var chars: Int
    /// Wall time of all sessions of the run so far.
    public var elapsedSeconds: Double
    public var bestValidBPC: Double?
    public var validation: ValidationSummary?
    public var parameters: [Float]
    public var adam: Adam
    public var positions: [Int64]
    public var networkState: [Float]
    public var random: RandomSource
    public var history: [MetricsRecord]
    /// From the last validation (empty before the first).
    public var ponderStats: PonderStats
    public var ponderTrace: PonderTrace
    /// The actlm that wrote it (set when read).
    public var writtenBy: String = ACTLMVersion.string

    public init(options: TrainingOptions, corpus: CorpusIdentity, step: Int, chars: Int, elapsedSeconds: Double,
                bestValidBPC: Double?, validation: ValidationSummary?, parameters: [Float], adam: Adam,
                positions: [Int64], networkState: [Float], random: RandomSource, history: [MetricsRecord],
                ponderStats: PonderStats, ponderTrace: PonderTrace) {
        self.options = options
        self.corpus = corpus
        self.step = step
        self.chars = chars
        self.elapsedSeconds = elapsedSeconds
        self.bestValidBPC = bestValidBPC
        self.validation = validation
        self.parameters = parameters
        self.adam = adam
        self.positions = positions
        self.networkState = networkState
        self.random = random
        self.history = history
        self.ponderStats = ponderStats
        self.ponderTrace = ponderTrace
    }

    public var config: ModelConfig { options.model }

    /// Passes over the training part so far.
    public var epochs: Double { corpus.trainBytes > 0 ? Double(chars) / Double(corpus.trainBytes) : 0 }

    // MARK: Writing

    /// The JSON section: small values that may gain fields.
    private struct Summary: Codable {
        var format: UInt32
        var actlmVersion: String
        var options: TrainingOptions
        var corpus: CorpusIdentity
        var step: Int
        var chars: Int
        var elapsedSeconds: Double
        var bestValidBPC: Double?
        var validation: ValidationSummary?
    }

    private struct FormatOnly: Decodable { var format: UInt32 }

    public func file() throws -> CheckpointFile {
        var file = CheckpointFile()
        try file.encodeModel(config: config, parameters: parameters)
        try file.encodeJSON(Tag.training, Summary(
            format: Self.trainingFormat, actlmVersion: ACTLMVersion.string, options: options, corpus: corpus,
            step: step, chars: chars, elapsedSeconds: elapsedSeconds, bestValidBPC: bestValidBPC,
            validation: validation))
        file.encode(Tag.adam) { adam.encode(into: &$0) }
        file.encode(Tag.positions) { $0.write(uint64Array: positions.map { UInt64(bitPattern: $0) }) }
        file.encode(Tag.networkState) { $0.write(floatArray: networkState) }
        file.encode(Tag.random) { writer in
            let s = random.state
            for word in [s.0, s.1, s.2, s.3] { writer.write(word) }
        }
        file.encode(Tag.metrics) { MetricsLog.encode(history, into: &$0) }
        file.encode(Tag.ponderStats) { ponderStats.encode(into: &$0) }
        file.encode(Tag.ponderTrace) { ponderTrace.encode(into: &$0) }
        return file
    }

    /// Writes atomically (temporary file, fsync, rename): `path` keeps its old contents if anything fails.
    public func write(to path: String) throws {
        try file().write(to: path)
    }

    // MARK: Reading

    /// Reads and checks a training checkpoint; damage, truncation, foreign or newer files are reported as
    /// `CheckpointError`s that name the file and say what to do. Never changes anything on disk.
    public static func read(from path: String) throws -> TrainingCheckpoint {
        try TrainingCheckpoint(try CheckpointFile.read(from: path))
    }

    public init(_ file: CheckpointFile) throws {
        let name = file.path ?? "checkpoint"
        func malformed(_ section: String, _ detail: String) -> CheckpointError {
            .malformedSection(path: name, section: section, detail: detail)
        }
        let format = try file.decodeJSON(FormatOnly.self, Tag.training).format
        if format > Self.trainingFormat {
            throw CheckpointError.newerVersion(path: name, version: format, supported: Self.trainingFormat)
        }
        let summary = try file.decodeJSON(Summary.self, Tag.training)
        let (config, parameters) = try file.decodeModel()
        guard summary.options.model == config else {
            throw malformed(Tag.training, "its model configuration differs from the \"config\" section")
        }
        let options = summary.options, layers = config.layers
        let adam = try file.decode(Tag.adam) { try Adam(from: &$0) }
        guard adam.parameterCount == parameters.count else {
            throw malformed(Tag.adam, "\(adam.parameterCount) moments for \(parameters.count) parameters")
        }
        let positions = try file.decode(Tag.positions) { try $0.readUInt64Array().map { Int64(bitPattern: $0) } }
        guard positions.count == options.batch else {
            throw malformed(Tag.positions, "\(positions.count) stream positions for a batch of \(options.batch)")
        }
        let networkState = try file.decode(Tag.networkState) { try $0.readFloatArray() }
        let stateCount = layers * 2 * options.batch * config.hidden
        guard networkState.count == stateCount else {
            throw malformed(Tag.networkState, "\(networkState.count) values where the model carries \(stateCount)")
        }
        let random = try file.decode(Tag.random) { reader in
            RandomSource(state: (try reader.readUInt64(), try reader.readUInt64(),
                                 try reader.readUInt64(), try reader.readUInt64()))
        }
        let history = try file.decode(Tag.metrics) { try MetricsLog.decodeHistory(from: &$0) }
        let stats = try file.decode(Tag.ponderStats) { try PonderStats(from: &$0) }
        guard stats.layers == layers, stats.maxPonder == config.maxPonder else {
            throw malformed(Tag.ponderStats, "statistics of \(stats.layers) layers and M = \(stats.maxPonder) "
                            + "for a model of \(layers) and M = \(config.maxPonder)")
        }
        let trace = try file.decode(Tag.ponderTrace) { try PonderTrace(from: &$0) }
        guard trace.layers == layers else {
            throw malformed(Tag.ponderTrace, "a trace of \(trace.layers) layers for a model of \(layers)")
        }
        guard summary.step >= 0, summary.chars >= 0, adam.step == summary.step else {
            throw malformed(Tag.training, "step \(summary.step) with \(summary.chars) bytes read and \(adam.step) "
                            + "optimizer updates")
        }
        self.init(options: options, corpus: summary.corpus, step: summary.step, chars: summary.chars,
                  elapsedSeconds: summary.elapsedSeconds, bestValidBPC: summary.bestValidBPC,
                  validation: summary.validation, parameters: parameters, adam: adam, positions: positions,
                  networkState: networkState, random: random, history: history, ponderStats: stats,
                  ponderTrace: trace)
        writtenBy = summary.actlmVersion
    }
}
