/// One window of truncated BPTT for `batch` streams: `seq` input bytes per stream and, for each,
/// the byte that follows it. Time-major, the order the model consumes it.
public struct BatchWindow {
    public let batch: Int
    public let seq: Int
    public var inputs: [UInt8]   // [T*B], inputs[t*batch + b]
    public var targets: [UInt8]  // [T*B], targets[t*batch + b] is the byte after inputs[t*batch + b]

    public init(batch: Int, seq: Int) {
        self.batch = batch
        self.seq = seq
        inputs = [UInt8](repeating: 0, count: batch * seq)
        targets = [UInt8](repeating: 0, count: batch * seq)
    }
}
