#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a view writes its bytes: a file descriptor behind a fixed buffer (standard output, a file),
/// memory (tests), or nowhere (counting only). Views append small pieces; the sink drains its buffer
/// whenever it fills, so a view of any length runs in constant memory.
///
/// Appending never throws, like C's stdio: the first write error is kept, later output is dropped, and
/// `check()` or `flush()` throws it. Views call `check()` once per row so a closed pipe stops the work.
public final class OutputSink {
    enum Destination {
        case file(descriptor: Int32, name: String, closeWhenDone: Bool)
        case memory
        case discard
    }

    private let destination: Destination
    private var buffer: [UInt8] = []
    private let capacity: Int
    private var failure: ViewError?

    /// Bytes handed to the destination so far (for `discarding()`, all bytes written).
    public private(set) var bytesWritten: Int64 = 0

    /// Everything written so far, for a `memory()` sink; empty for the others.
    public private(set) var collected: [UInt8] = []

    init(_ destination: Destination, capacity: Int = 1 << 16) {
        self.destination = destination
        self.capacity = capacity
        buffer.reserveCapacity(capacity + 64)
    }

    deinit {
        try? flush()
        if case .file(let descriptor, _, true) = destination { close(descriptor) }
    }

    public static func standardOutput() -> OutputSink {
        OutputSink(.file(descriptor: 1, name: "standard output", closeWhenDone: false))
    }

    public static func standardError() -> OutputSink {
        OutputSink(.file(descriptor: 2, name: "standard error", closeWhenDone: false), capacity: 4096)
    }

    /// Creates (or truncates) the file at `path`.
    public static func file(path: String) throws -> OutputSink {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw ViewError.cannotWrite(name: path, reason: String(cString: strerror(errno)))
        }
        return OutputSink(.file(descriptor: descriptor, name: path, closeWhenDone: true))
    }

    /// Keeps every byte in `collected`; for tests and small in-memory renderings.
    public static func memory() -> OutputSink { OutputSink(.memory) }

    /// Drops every byte and only counts them in `bytesWritten`.
    public static func discarding() -> OutputSink { OutputSink(.discard) }

    // MARK: appending

    @inline(__always)
    public func write(byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= capacity { drain() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { drain() }
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { drain() }
    }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Throws the first write error, if any happened.
    public func check() throws {
        if let failure { throw failure }
    }

    /// Hands everything buffered to the destination (for streaming output, call after each piece the
    /// reader should see now), then throws the first write error, if any.
    public func flush() throws {
        drain()
        try check()
    }

    private func drain() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil, !buffer.isEmpty else { return }
        bytesWritten += Int64(buffer.count)
        switch destination {
        case .memory:
            collected.append(contentsOf: buffer)
        case .discard:
            break
        case .file(let descriptor, let name, _):
            buffer.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = writeToDescriptor(descriptor, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = .cannotWrite(name: name, reason: String(cString: strerror(errno)))
                        return
                    }
                    done += n
                }
            }
        }
    }
}

// The system call, reachable under its own name from inside `OutputSink`, whose methods are also `write`.
private func writeToDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
