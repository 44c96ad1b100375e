import Foundation

/// Which checkpoint a command means, by one rule for every command (train --resume, bench, eval, inspect,
/// sample, ponder-map, report):
/// - a file: that file;
/// - a folder: the newest checkpoint under it (a run folder: its last save);
/// - `latest`, or nothing given: the newest checkpoint under `checkpoints/`, so `actlm sample` right
///   after `actlm train` uses what training just wrote;
/// - `best`: the best.ckpt of the run that saved last.
/// What the checkpoint is for (`Purpose`) decides which files qualify and what an error advises.
public enum CheckpointLocator {
    /// Where `actlm train` writes its runs (`checkpoints/<run>/latest.ckpt`, `best.ckpt`).
    public static let defaultDirectory = RunFolder.defaultRoot
    public static let fileExtension = "ckpt"
    /// The words that name a checkpoint by what it is rather than where.
    public static let latest = "latest", best = "best"

    public enum Purpose: Sendable, Equatable {
        /// A model to run (sample, eval, ponder-map, inspect): any `*.ckpt`.
        case use
        /// A run to continue (`train --resume`, `bench --checkpoint`): a run folder's `latest.ckpt`, the last save.
        case resume
    }

    /// The checkpoint that `given` names, looking under `directory` for `latest`, `best` and nothing.
    public static func locate(_ given: String?, directory: String = defaultDirectory,
                              for purpose: Purpose = .use) throws -> String {
        switch given {
        case nil, latest?:
            return try newest(under: directory, for: purpose)
        case best?:
            let run = RunFolder.containing(try newest(under: directory, for: .resume))
            guard FileManager.default.fileExists(atPath: run.best) else {
                throw CheckpointSearchError.noBest(run.path)
            }
            return run.best
        case let path?:
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return try newest(under: path, for: purpose)
            }
            return path   // reading it says clearly what is wrong with it, if anything
        }
    }

    /// The run `given` names for a report: `latest` is the folder of the run that saved last, `best` that
    /// run's best.ckpt; a folder or a file is itself.
    public static func locateRun(_ given: String, directory: String = defaultDirectory) throws -> String {
        given == latest ? RunFolder.containing(try newest(under: directory, for: .resume)).path
            : given == best ? try locate(best, directory: directory) : given
    }

    /// A run folder's checkpoints in the order a reader prefers them: the last save, then the best.
    public static func checkpoints(of run: RunFolder) -> [String] {
        [run.latest, run.best].filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The most recently modified checkpoint under `directory`, searched recursively, that serves
    /// `purpose`. Hidden files (the temporaries of a write in progress) are skipped.
    public static func newest(under directory: String, for purpose: Purpose = .use) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw CheckpointSearchError.noDirectory(directory, purpose)
        }
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey],
            options: [.skipsHiddenFiles]) else {
            throw CheckpointSearchError.noDirectory(directory, purpose)
        }
        var best: (path: String, date: Date)?
        for case let url as URL in walker where purpose == .resume ? url.lastPathComponent == RunFolder.latestName
                                                                   : url.pathExtension == fileExtension {
            guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey]),
                  values.isRegularFile == true else { continue }
            let date = values.contentModificationDate ?? .distantPast
            // Ties (same second on coarse filesystems) go to the later path, so the result is stable.
            let path = relativePath(url, under: root, directory: directory)
            if best == nil || date > best!.date || (date == best!.date && path > best!.path) {
                best = (path, date)
            }
        }
        guard let best else { throw CheckpointSearchError.noCheckpoint(directory, purpose) }
        return best.path
    }

    /// `directory/…` as the user would type it, rather than an absolute path.
    private static func relativePath(_ url: URL, under root: URL, directory: String) -> String {
        let full = url.standardizedFileURL.path, base = root.standardizedFileURL.path
        guard full.hasPrefix(base + "/") else { return url.path }
        let rest = full.dropFirst(base.count + 1)
        return directory.hasSuffix("/") ? directory + rest : directory + "/" + rest
    }
}

/// Why no checkpoint was found to load or resume.
public enum CheckpointSearchError: Error, Equatable, CustomStringConvertible {
    case noDirectory(String, CheckpointLocator.Purpose)
    case noCheckpoint(String, CheckpointLocator.Purpose)
    /// The newest run has no best.ckpt: it has not validated yet.
    case noBest(String)

    public var description: String {
        switch self {
        case let .noDirectory(directory, .use):
            return "no checkpoint to use: there is no folder \(shown(directory)) here. Train a model first "
                + "(actlm train corpora/wiki.gz), run from the folder that holds checkpoints/, or name one "
                + "with --checkpoint PATH."
        case let .noCheckpoint(directory, .use):
            return "no checkpoint to use: \(shown(directory)) holds no .\(CheckpointLocator.fileExtension) file. "
                + "Train a model first (actlm train corpora/wiki.gz) or name one with --checkpoint PATH."
        case let .noDirectory(directory, .resume):
            return "no checkpoint to resume: there is no folder \(shown(directory)) here. " + resumeAdvice
        case let .noCheckpoint(directory, .resume):
            return "no checkpoint to resume under \(shown(directory)): no run folder there has a "
                + "\(RunFolder.latestName). " + resumeAdvice
        case let .noBest(run):
            return "the newest run, \(shown(run)), has no \(RunFolder.bestName) yet: it has not validated. Name "
                + "its \(RunFolder.latestName) or 'latest' instead, or wait for its first validation."
        }
    }

    private var resumeAdvice: String {
        "Give the checkpoint's path to --resume, the right --checkpoint-dir, or start a new run."
    }

    private func shown(_ directory: String) -> String {
        directory.hasSuffix("/") ? directory : directory + "/"
    }
}
