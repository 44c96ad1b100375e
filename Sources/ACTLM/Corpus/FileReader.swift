#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// An open corpus file, or standard input for "-", shared by the ByteStreams that read it.
/// Regular files are read with `pread` at each stream's own offset, so streams positioned at
/// different places share one descriptor and a stream can be copied without reopening the file;
/// pipes and terminals are read once, in order.
final class FileReader {
    let path: String
    let isSeekable: Bool
    /// The file's size when opened; nil for pipes.
    let size: Int64?
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        if path == "-" {
            descriptor = -1
            isSeekable = false
            size = nil
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CorpusError.cannotOpen(path: path, reason: FileReader.lastError()) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let reason = FileReader.lastError()
            close(fd)
            throw CorpusError.cannotOpen(path: path, reason: reason)
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR {
            close(fd)
            throw CorpusError.isDirectory(path: path)
        }
        descriptor = fd
        isSeekable = kind == S_IFREG
        size = isSeekable ? Int64(status.st_size) : nil
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads up to `count` bytes at `offset` (pipes ignore it and read on); returns 0 at the end.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws -> Int {
        while true {
            let fd = descriptor >= 0 ? descriptor : STDIN_FILENO
            let n = isSeekable ? pread(fd, destination, count, off_t(offset)) : systemRead(fd, destination, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CorpusError.cannotRead(path: path, offset: offset, reason: FileReader.lastError())
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
