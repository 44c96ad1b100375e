import CBLAS
import Foundation

/// Runs a window's layers as a wavefront across threads. Layer l at time t needs only layer l − 1 at t
/// and itself at t − 1 (backward: layer l + 1 at t and itself at t + 1), so while one thread works on
/// layer 1 at time t + 1 another can work on layer 2 at t, each multiplying its small recurrent GEMMs on
/// one core, where two cores splitting every 32-row product mostly wait for each other.
///
/// The time steps go in chunks of `chunk`: the thread of layer l projects layer l + 1's input for each
/// chunk it finishes, in one GEMM (backward: passes layer l + 1's dL/du down to itself the same way), and
/// forward, the top layer's thread runs the softmax layer on each chunk it finishes.
/// Every layer computes the same sums in the same order whatever the thread count, so the results do
/// not depend on it.
public enum Wavefront {
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

    /// Calls `body(group)` for each group on a thread of its own (the first on the caller's), with
    /// OpenBLAS single-threaded meanwhile, and returns when all are done. One group: just calls it.
    static func run(_ groups: [Range<Int>], _ body: @escaping (Range<Int>) -> Void) {
        guard groups.count > 1 else {
            groups.forEach(body)
            return
        }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
        let finished = DispatchSemaphore(value: 0)
        for group in groups.dropFirst() {
            let thread = Thread {
                body(group)
                finished.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        body(groups[0])
        for _ in groups.dropFirst() { finished.wait() }
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
