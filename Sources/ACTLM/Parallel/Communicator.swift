import Foundation

/// The processes of one data-parallel run, as each of them sees the group: its own rank among `size`, and
/// the collective operations training needs. Every rank must make the same collective calls in the same
/// order; rank 0 (the root) alone prints and writes files.
public protocol Communicator: GradientReduction {
    var rank: Int { get }
    var size: Int { get }
    /// The largest value of each element over all ranks, on every rank.
    func maximum(_ values: UnsafeMutableBufferPointer<Int64>)
    /// The root's bytes, on every rank (every rank passes a buffer of the same size).
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer)
    /// Every rank's bytes (all of one size) in rank order, on the root; nil on the other ranks.
    func gather(_ bytes: UnsafeRawBufferPointer) -> [UInt8]?
    /// Ends every process of the run at once, with this exit status.
    func abort(status: Int32) -> Never
    /// Leaves the group at the end of a successful run.
    func finish()
}

extension Communicator {
    /// Rank 0: the one that prints, writes metrics, checkpoints and reports.
    public var isRoot: Bool { rank == 0 }

    /// The stop decision all ranks take together: each passes its own (a time limit or a signal may reach
    /// one rank a step before another) and all get the most pressing one, so all stop at the same step.
    public func agree(on reason: StopReason?) -> StopReason? {
        let order: [StopReason] = [.steps, .chars, .epochs, .minutes, .signal]
        var code = [Int64(reason.flatMap { order.firstIndex(of: $0) }.map { $0 + 1 } ?? 0)]
        code.withUnsafeMutableBufferPointer { maximum($0) }
        return code[0] == 0 ? nil : order[Int(code[0]) - 1]
    }

    /// True when every rank passed the same value.
    public func allAgree(on value: UInt64) -> Bool {
        let high = Int64(value >> 32), low = Int64(value & 0xFFFF_FFFF)
        var extremes = [high, low, -high, -low]
        extremes.withUnsafeMutableBufferPointer { maximum($0) }
        return extremes[0] == -extremes[2] && extremes[1] == -extremes[3]
    }

    /// The root's value, on every rank.
    public func broadcast(_ value: Int64) -> Int64 {
        var buffer = [value]
        buffer.withUnsafeMutableBytes { broadcast($0) }
        return buffer[0]
    }

    /// The root's string, on every rank.
    public func broadcast(_ text: String) -> String {
        var count = [Int64(isRoot ? text.utf8.count : 0)]
        count.withUnsafeMutableBufferPointer { maximum($0) }
        var bytes = isRoot ? Array(text.utf8) : [UInt8](repeating: 0, count: Int(count[0]))
        bytes.withUnsafeMutableBytes { broadcast($0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every rank's values (all of one count) in rank order, on the root; this rank's own elsewhere.
    public func gather<T: BitwiseCopyable>(_ values: [T]) -> [T] {
        guard size > 1 else { return values }
        guard let bytes = values.withUnsafeBytes({ gather($0) }) else { return values }
        return bytes.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
    }
}

/// A run of one process: every collective operation is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {}
    public func sum(_ values: UnsafeMutableBufferPointer<Double>) throws {}
    public func maximum(_ values: UnsafeMutableBufferPointer<Int64>) {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer) {}
    public func gather(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? { Array(bytes) }
    public func abort(status: Int32) -> Never { exit(status) }
    public func finish() {}
}
