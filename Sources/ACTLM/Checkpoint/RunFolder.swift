import Foundation

/// The folder of one training run, `<checkpoint dir>/<run name>/`: `latest.ckpt` (the last save),
/// `best.ckpt` (the best validation bpc so far), `metrics.jsonl` and `report.html`.
public struct RunFolder: Equatable, Sendable {
    public static let defaultRoot = "checkpoints"
    public static let latestName = "latest.ckpt"
    public static let bestName = "best.ckpt"

    public let path: String

    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var latest: String { path + "/" + RunFolder.latestName }
    public var best: String { path + "/" + RunFolder.bestName }
    public var metrics: String { path + "/" + MetricsLog.fileName }
    public var report: String { path + "/report.html" }

    /// The folder that holds `checkpoint`: a resumed run goes on writing there.
    public static func containing(_ checkpoint: String) -> RunFolder {
        RunFolder(path: PathParts.directory(of: checkpoint))
    }

    /// A run name from the time, e.g. `run-20261126-031500`, so runs sort by when they started.
    public static func timestampName(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "'run-'yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// Makes the folder for a new run; refuses one that already holds a run, so nothing is overwritten.
    public static func create(root: String, name: String) throws -> RunFolder {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw TrainingError.invalidOption("--run-name must be a plain folder name without '/' (got \"\(name)\")")
        }
        let folder = RunFolder(path: (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + name)
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.latest) || manager.fileExists(atPath: folder.best) {
            throw TrainingError.runExists(path: folder.path)
        }
        do {
            try manager.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.invalidOption("cannot create the run folder \(folder.path): "
                + "\(error.localizedDescription). Check --checkpoint-dir and its permissions.")
        }
        return folder
    }
}
