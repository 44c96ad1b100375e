/// Windows for truncated BPTT from B streams over the training part of a corpus.
///
/// The training part is read as a ring: a stream that reaches its end continues at its start.
/// Stream b yields consecutive windows of T+1 bytes that overlap by one (the last target of a window
/// is the first input of the next), so every byte of the ring is a target once per pass.
/// `positions` is all the state a checkpoint needs to continue the same sequence of windows.
public final class CorpusBatches {
    public let batch: Int
    public let seq: Int
    /// Where each stream's next window starts, within the training part.
    public var positions: [Int64] { streams.map(\.position) }
    public var charsPerWindow: Int { batch * seq }

    private let streams: [TrainingStream]

    init(file: FileReader, trainBytes: Int64, seq: Int, sources: [ByteStream], positions: [Int64]) {
        self.batch = sources.count
        self.seq = seq
        streams = zip(sources, positions).map {
            TrainingStream(file: file, trainBytes: trainBytes, seq: seq, source: $0, position: $1)
        }
    }

    /// Fills `window` (made with this batch and seq) with the next window of every stream.
    public func next(into window: inout BatchWindow) throws {
        precondition(window.batch == batch && window.seq == seq,
                     "next(into:) needs a BatchWindow(batch: \(batch), seq: \(seq))")
        let batch = self.batch
        try window.inputs.withUnsafeMutableBufferPointer { inputs in
            try window.targets.withUnsafeMutableBufferPointer { targets in
                for b in 0..<batch {
                    try streams[b].next(inputs: inputs.baseAddress! + b, targets: targets.baseAddress! + b, stride: batch)
                }
            }
        }
    }
}

/// One stream of the ring: its own decompressor and a small buffer of bytes read ahead.
private final class TrainingStream {
    private(set) var position: Int64           // ring offset of buffer[start]
    private let file: FileReader
    private let trainBytes: Int64
    private let seq: Int
    private var source: ByteStream             // decompressed offset = ring offset of buffer[end]
    private let buffer: UnsafeMutableRawBufferPointer  // [max(4(T+1), 16 KiB)]
    private var start = 0
    private var end = 0

    init(file: FileReader, trainBytes: Int64, seq: Int, source: ByteStream, position: Int64) {
        self.file = file
        self.trainBytes = trainBytes
        self.seq = seq
        self.source = source
        self.position = position
        buffer = .allocate(byteCount: max(4 * (seq + 1), 16 * 1024), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Writes the next T inputs and targets, `stride` apart (time-major), and moves on by T.
    func next(inputs: UnsafeMutablePointer<UInt8>, targets: UnsafeMutablePointer<UInt8>, stride: Int) throws {
        if end - start < seq + 1 { try fill(seq + 1) }
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + start
        for t in 0..<seq {
            inputs[t * stride] = bytes[t]
            targets[t * stride] = bytes[t + 1]
        }
        start += seq
        position += Int64(seq)
        if position >= trainBytes { position -= trainBytes }
    }

    /// Reads ahead until at least `count` bytes are buffered, wrapping to the start of the training part.
    private func fill(_ count: Int) throws {
        if start > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
            end -= start
            start = 0
        }
        while end < count {
            if source.offset == trainBytes {
                source = try ByteStream(file: file, inputCapacity: Corpus.streamInputCapacity)
            }
            let room = Int(min(Int64(buffer.count - end), trainBytes - source.offset))
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end..<(end + room)]))
            guard n > 0 else { throw CorpusError.changed(path: source.path, offset: source.offset, expected: trainBytes) }
            end += n
        }
    }
}
