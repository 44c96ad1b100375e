import Foundation

/// Writes whole files so that a reader of the path sees the old file or the complete new one, never a
/// part: a temporary file in the same folder (same file system, so the rename is atomic) is written,
/// fsynced and renamed over the path. Checkpoints, the run's report.html (which a browser may reload
/// while training rewrites it), exports and figures are all written this way.
public enum AtomicFile {
    /// Why a write failed; the file at the path, if any, is unchanged and no temporary file is left.
    public struct WriteError: Error, Equatable, CustomStringConvertible {
        public var path: String
        /// What failed and the system's reason, e.g. "writing <temporary>: No space left on device".
        public var reason: String

        public var description: String {
            "\(path): could not write the file (\(reason)). The previous file at this path, if any, is "
                + "unchanged. Free disk space or check the folder's permissions."
        }
    }

    /// The file operations a write goes through, replaceable so tests can simulate a full disk or a
    /// crash part-way. Each returns what its POSIX namesake returns, with `errno` set on failure.
    public struct Operations {
        public var write: (_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
        public var fsync: (_ fd: Int32) -> Int32
        public var rename: (_ from: String, _ to: String) -> Int32

        public init(write: @escaping (Int32, UnsafeRawBufferPointer) -> Int,
                    fsync: @escaping (Int32) -> Int32,
                    rename: @escaping (String, String) -> Int32) {
            self.write = write
            self.fsync = fsync
            self.rename = rename
        }

        public static var system: Operations {
            Operations(write: { fd, bytes in Foundation.write(fd, bytes.baseAddress, bytes.count) },
                       fsync: { fd in Foundation.fsync(fd) },
                       rename: { from, to in Foundation.rename(from, to) })
        }
    }

    /// Writes `bytes` to `path` (temporary file, fsync, rename). On failure the temporary file is
    /// removed and the old file is left as it was; a full disk reads "No space left on device".
    public static func write(_ bytes: [UInt8], to path: String, operations: Operations = .system) throws {
        let directory = PathParts.directory(of: path)
        let (fd, temporary) = try createTemporary(for: path, in: directory)

        func fail(_ what: String, _ code: Int32) -> WriteError {
            unlink(temporary)
            return WriteError(path: path, reason: "\(what): \(String(cString: strerror(code)))")
        }

        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { all in
                operations.write(fd, UnsafeRawBufferPointer(rebasing: all[written...]))
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                close(fd)
                throw fail("writing \(temporary)", code)
            }
            if result == 0 {
                close(fd)
                throw fail("writing \(temporary)", ENOSPC)
            }
            written += result
        }
        if operations.fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw fail("flushing \(temporary) to disk", code)
        }
        if close(fd) != 0 { throw fail("closing \(temporary)", errno) }
        if operations.rename(temporary, path) != 0 { throw fail("renaming \(temporary) to \(path)", errno) }

        // Makes the rename itself durable. Best effort: some filesystems refuse to fsync a directory, and
        // by now the new file is complete and in place.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 {
            _ = operations.fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Removes the temporary files that writes interrupted by a crash left in `directory` (those of
    /// processes no longer running); returns their names. Other files are never touched.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            // .<target>.<pid>-<hex>.tmp
            let stem = name.dropLast(4)
            guard let dot = stem.lastIndex(of: "."), let dash = stem[dot...].firstIndex(of: "-"),
                  let pid = Int32(stem[stem.index(after: dot)..<dash]),
                  UInt32(stem[stem.index(after: dash)...], radix: 16) != nil else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH && unlink(directory + "/" + name) == 0 {
                removed.append(name)
            }
        }
        return removed.sorted()
    }

    /// A new file next to `path`, named `.<name>.<pid>-<hex>.tmp` so it is clearly ours and whose.
    static func createTemporary(for path: String, in directory: String) throws -> (Int32, String) {
        let name = PathParts.name(of: path)
        var lastError: Int32 = 0
        for _ in 0..<16 {
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            let temporary = (directory == "/" ? "" : directory) + "/.\(name).\(getpid())-\(suffix).tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, temporary) }
            lastError = errno
            if lastError != EEXIST { break }
        }
        throw WriteError(
            path: path, reason: "cannot create a temporary file in \(directory): \(String(cString: strerror(lastError)))")
    }
}
