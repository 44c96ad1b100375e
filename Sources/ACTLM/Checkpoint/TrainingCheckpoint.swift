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

        /// What a stored path is to the run.
        public enum Role: String, Sendable {
            case corpus
            case validationFile = "validation file"
        }

        /// `stored`, a path this identity names as `role`, when it is a regular file (or a link to one) or
        /// is missing (opening it then says so). A checkpoint from someone else could name a device, a FIFO
        /// or a folder, which would never end or not be text; those are opened only when the user names
        /// them again, as `remedy` (a sentence of the calling command's) tells how.
        public static func openable(_ stored: String, as role: Role, checkpoint: String, remedy: String) throws
            -> String {
            var status = stat()
            guard stat(stored, &status) == 0 else { return stored }
            let kind = status.st_mode & S_IFMT
            guard kind != S_IFREG else { return stored }
            let what: String
            switch kind {
            case S_IFDIR: what = "a folder"
            case S_IFCHR: what = "a character device"
            case S_IFBLK: what = "a block device"
            case S_IFIFO: what = "a FIFO"
            case S_IFSOCK: what = "a socket"
            default: what = "not a regular file"
            }
            throw TrainingError.invalidOption("the checkpoint \(checkpoint) names \(stored) as its \(role.rawValue), "
                + "which is \(what); a path stored in a checkpoint is opened only if it is a regular file. " + remedy)
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
    struct Summary: Codable {
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

    /// The training state of `file`, through the checks every command applies (`CheckpointFile.validated`).
    public init(_ file: CheckpointFile) throws {
        guard let training = try file.validated().training else {
            throw CheckpointError.missingSection(path: file.path ?? "checkpoint", section: Tag.training)
        }
        self = training
    }
}
