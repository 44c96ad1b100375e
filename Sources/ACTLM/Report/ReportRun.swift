import Foundation

/// One run as a report shows it: its metrics history, the checkpoint with its settings and last
/// validation (when there is one), and where each number was read from.
public struct ReportRun {
    /// How the report names the run: its folder's name.
    public var name: String
    public var records: [MetricsRecord]
    /// Where `records` came from, for people: "runs/act/metrics.jsonl" or "the history in runs/act/best.ckpt".
    public var metricsSource: String
    /// Lines of metrics.jsonl that were not records and were passed over.
    public var skippedLines: [MetricsLog.SkippedLine]
    public var checkpoint: TrainingCheckpoint?
    public var checkpointPath: String?
    /// What could not be read and was done without, said on the page.
    public var notes: [String]

    public init(name: String, records: [MetricsRecord], metricsSource: String,
                skippedLines: [MetricsLog.SkippedLine] = [], checkpoint: TrainingCheckpoint?,
                checkpointPath: String?, notes: [String] = []) {
        self.name = name
        self.records = records
        self.metricsSource = metricsSource
        self.skippedLines = skippedLines
        self.checkpoint = checkpoint
        self.checkpointPath = checkpointPath
        self.notes = notes
    }

    /// The run a trainer is writing, from what it holds in memory.
    public init(training folder: RunFolder, records: [MetricsRecord], metricsPath: String,
                checkpoint: TrainingCheckpoint, checkpointPath: String) {
        self.init(name: URL(fileURLWithPath: folder.path).standardizedFileURL.lastPathComponent, records: records,
                  metricsSource: metricsPath, checkpoint: checkpoint, checkpointPath: checkpointPath)
    }

    /// Reads a run folder (its metrics.jsonl, and latest.ckpt or else best.ckpt) or one checkpoint (the
    /// metrics history it holds). A folder's damaged checkpoint or metrics are noted and done without
    /// as long as something of the run can be shown.
    public static func load(_ path: String) throws -> ReportRun {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportError.noRun(path: path, reason: "there is no such file or folder")
        }
        guard isDirectory.boolValue else {
            let checkpoint = try TrainingCheckpoint.read(from: path)
            let folder = RunFolder.containing(path)
            let file = PathParts.name(of: path)
            let folderName = URL(fileURLWithPath: folder.path).standardizedFileURL.lastPathComponent
            return ReportRun(name: file == RunFolder.latestName ? folderName : "\(folderName) (\(file))",
                             records: checkpoint.history, metricsSource: "the metrics history in \(path)",
                             checkpoint: checkpoint, checkpointPath: path)
        }
        let folder = RunFolder(path: path)
        let manager = FileManager.default
        var notes: [String] = []
        var checkpoint: TrainingCheckpoint?, checkpointPath: String?
        for candidate in CheckpointLocator.checkpoints(of: folder) {
            do {
                checkpoint = try TrainingCheckpoint.read(from: candidate)
                checkpointPath = candidate
                break
            } catch {
                notes.append("\(candidate) could not be read: \(error)")
            }
        }
        var records: [MetricsRecord] = [], skipped: [MetricsLog.SkippedLine] = []
        var source = ""
        if manager.fileExists(atPath: folder.metrics) {
            do {
                (records, skipped) = try MetricsLog.readSkippingDamage(path: folder.metrics)
                source = folder.metrics
            } catch {
                notes.append("\(error)")
            }
        }
        if source.isEmpty, let checkpoint, let checkpointPath {
            records = checkpoint.history
            source = "the metrics history in \(checkpointPath)"
        }
        guard !source.isEmpty else {
            throw ReportError.noRun(path: path, reason: notes.isEmpty
                ? "it holds neither \(MetricsLog.fileName) nor a checkpoint; name a run folder (checkpoints/<run>) or a .ckpt file"
                : notes.joined(separator: "; "))
        }
        let name = URL(fileURLWithPath: folder.path).standardizedFileURL.lastPathComponent
        return ReportRun(name: name, records: records, metricsSource: source, skippedLines: skipped,
                         checkpoint: checkpoint, checkpointPath: checkpointPath, notes: notes)
    }

    /// The records that hold a validation.
    var validated: [MetricsRecord] { records.filter { $0.validBPC != nil } }

    /// Training bytes read at the end of the halting warm-up (nil without one), from the records when
    /// they reach it, else from the run's batch and window.
    var haltingWarmupEndBytes: Double? {
        guard let options = checkpoint?.options, options.haltingWarmup > 0, options.model.maxPonder > 1,
              options.model.ponder == .adaptive else { return nil }
        if let record = records.first(where: { $0.step >= options.haltingWarmup }), record.step > 0 {
            return Double(record.chars) * Double(options.haltingWarmup) / Double(record.step)
        }
        return Double(options.haltingWarmup * options.batch * options.seq)
    }
}

/// Why a report could not be made.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case noRun(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .noRun(path, reason):
            return "\(path): not a training run to report on: \(reason)."
        case let .cannotWrite(path, reason):
            return "\(path): could not write the report (\(reason)). Check the folder exists and is writable."
        }
    }
}
