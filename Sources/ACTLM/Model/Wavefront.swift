import CBLAS
import Foundation

/// Runs a window's layers as a wavefront across threads. Layer l at time t needs only layer l − 1 at t
/// and itself at t − 1 (backward: layer l + 1 at t and itself at t + 1), so while one thread works on
/// layer 1 at time t + 1 another can work on layer 2 at t, each multiplying its small recurrent GEMMs on
/// one core, where two cores splitting every 32-row product mostly wait for each other.
///
/// The time steps go in chunks of `chunk`: the thread of layer l projects layer l + 1's input for each
/// chunk it finishes, in one GEMM (backward: passes layer l + 1's dL/du down to itself the same way), and
/// forward, the top layer's thread runs the output layer on each chunk it finishes.
/// Every layer computes the same sums in the same order whatever the thread count, so the results do
/// not depend on it. The threads live as long as the wavefront (its network's).
public final class Wavefront {
    /// Time steps per chunk: fixed (not from the thread count) so every thread count computes alike.
    public static let chunk = 4

    /// The chunks of a window of `length` steps, in time order.
    public static func chunks(length: Int) -> [Range<Int>] {
        stride(from: 0, to: length, by: chunk).map { $0..<min($0 + chunk, length) }
    }

    /// Threads to use for `layers` layers: OpenBLAS's thread budget (OPENBLAS_NUM_THREADS, or all cores),
    /// at most one per layer.
    public static func threads(layers: Int, limit: Int?) -> Int {
        max(1, min(layers, limit ?? Int(openblas_get_num_threads())))
    }

    /// The layers each thread owns: contiguous groups, as even as possible, lowest first.
    public static func groups(layers: Int, threads: Int) -> [Range<Int>] {
        (0..<threads).map { i in (i * layers / threads)..<((i + 1) * layers / threads) }
    }

    let layerCount: Int
    /// Threads to use; nil: OpenBLAS's thread budget (`threads(layers:limit:)`).
    var threadLimit: Int?
    /// How far each layer has got through the window, for the layer that waits on it.
    private let progress: [LayerProgress]
    private var groups: [Range<Int>] = []
    private var workers = WorkerThreads(count: 0)

    init(layers: Int) {
        layerCount = layers
        progress = (0..<layers).map { _ in LayerProgress() }
    }

    deinit { workers.stop() }

    /// The layers' time steps, chunk by chunk, each thread running its group of layers in order and
    /// waiting for the group below to finish (and project) a chunk; the top layer's thread calls
    /// `topDone(times)` on each chunk it finishes.
    func forward<Scalar>(_ layers: [ACTLSTMLayer<Scalar>], _ θ: UnsafePointer<Scalar>, length: Int,
                         topDone: (Range<Int>) -> Void) {
        let progress = self.progress, top = layers.count - 1
        run { group in
            for l in group {
                layers[l].beginForward(θ, length: length)
                if l < top { layers[l + 1].beginProjecting(θ, length: length) }
            }
            for start in stride(from: 0, to: length, by: Self.chunk) {
                let times = start..<min(start + Self.chunk, length)
                for l in group {
                    if l > 0 && l == group.lowerBound { progress[l - 1].wait(until: times.upperBound) }
                    layers[l].forward(θ, times: times)
                    // Layer l's thread projects layer l + 1's input: the upper layers have the output layer
                    // and their own input's weight gradients to do, so this evens the threads out.
                    if l < top { layers[l + 1].projectForward(θ, times: times, below: layers[l].output) }
                    progress[l].advance(to: times.upperBound)
                    if l == top { topDone(times) }
                }
            }
        }
    }

    /// The same backward, from the last chunk: a thread waits for the layer above its group to finish a
    /// chunk, then passes that layer's gradient down to its own top layer. A thread done with its layers'
    /// time steps multiplies out their weight gradients (into their own parts of `g`) while the threads
    /// below are still at work; the top layer's thread then calls `topDone()`.
    func backward<Scalar>(_ layers: [ACTLSTMLayer<Scalar>], _ θ: UnsafePointer<Scalar>,
                          _ g: UnsafeMutablePointer<Scalar>, length: Int, bytes: UnsafePointer<UInt8>,
                          ponderWeight: Scalar, topDone: () -> Void) {
        let progress = self.progress, top = layers.count - 1
        run { group in
            for l in group { layers[l].beginBackward(θ, length: length) }
            for start in stride(from: (length - 1) / Self.chunk * Self.chunk, through: 0, by: -Self.chunk) {
                let times = start..<min(start + Self.chunk, length), done = length - start
                for l in group.reversed() {
                    if l < top {
                        if l == group.upperBound - 1 { progress[l + 1].wait(until: done) }
                        // As forward projected it, layer l's thread passes layer l + 1's gradient down.
                        layers[l + 1].projectBackward(times: times, dBelow: layers[l].gradients.dOutput)
                    }
                    layers[l].backward(θ, g, times: times, ponderWeight: ponderWeight)
                    progress[l].advance(to: done)
                }
            }
            for l in group.reversed() {
                layers[l].weightGradients(g, length: length)
                if l == 0 {
                    layers[l].lookupBackward(g, bytes: bytes, length: length)
                } else {
                    layers[l].projectWeightGradient(g, length: length, below: layers[l - 1].output)
                }
            }
            if group.contains(top) { topDone() }
        }
    }

    /// Calls `body(group)` for each group of layers on a thread of its own (the first on the caller's),
    /// with OpenBLAS single-threaded meanwhile, and returns when all are done. One group: just calls it.
    private func run(_ body: (Range<Int>) -> Void) {
        for p in progress { p.reset() }
        let threads = Self.threads(layers: layerCount, limit: threadLimit)
        if groups.count != threads {
            workers.stop()
            workers = WorkerThreads(count: threads - 1)
            groups = Self.groups(layers: layerCount, threads: threads)
        }
        guard threads > 1 else {
            body(groups[0])
            return
        }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
        let groups = self.groups
        workers.run { body(groups[$0]) }
    }
}

/// How far a layer has got through the window, for the layer that waits on it: a count that only grows,
/// behind a condition variable (waiting sleeps, leaving the core to the thread being waited for).
final class LayerProgress: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = 0

    func reset() {
        condition.lock()
        done = 0
        condition.unlock()
    }

    func advance(to count: Int) {
        condition.lock()
        done = count
        condition.broadcast()
        condition.unlock()
    }

    func wait(until count: Int) {
        condition.lock()
        while done < count { condition.wait() }
        condition.unlock()
    }
}
