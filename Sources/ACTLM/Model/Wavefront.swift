import Foundation

/// Runs a window's layers as a wavefront across threads. Layer l at time t needs only layer l − 1 at t
/// and itself at t − 1 (backward: layer l + 1 at t and itself at t + 1), so while one thread works on
/// layer 1 at time t + 1 another can work on layer 2 at t, each multiplying its small recurrent GEMMs on
/// one core, where two cores splitting every 32-row product mostly wait for each other.
///
/// The time steps go in chunks of `chunk`: layer l + 1's input is projected for each chunk layer l
/// finishes, in one GEMM (backward: layer l + 1's dL/du passed down to layer l the same way), its columns
/// shared between the two layers' threads (`WavefrontBalance`). The top layer's thread runs the output
/// layer on each chunk it finishes, and backward its weight gradients once its own are done: the layers
/// below ponder more, so that thread has time to spare.
/// Every layer computes the same sums in the same order whatever the thread count, so the results do
/// not depend on it. The threads live as long as the wavefront (its network's).
public final class Wavefront {
    /// Time steps per chunk: fixed (not from the thread count) so every thread count computes alike.
    public static let chunk = 4

    /// The chunks of a window of `length` steps, in time order.
    public static func chunks(length: Int) -> [Range<Int>] {
        stride(from: 0, to: length, by: chunk).map { $0..<min($0 + chunk, length) }
    }

    /// Threads to use for `layers` layers out of a budget of `budget`: at most one per layer.
    public static func threads(layers: Int, budget: Int) -> Int {
        max(1, min(layers, budget))
    }

    /// The layers each thread owns: contiguous groups, as even as possible, lowest first.
    public static func groups(layers: Int, threads: Int) -> [Range<Int>] {
        (0..<threads).map { i in (i * layers / threads)..<((i + 1) * layers / threads) }
    }

    let layerCount: Int
    /// The network's products, whose threads the wavefront sets: 1 each while several layer threads run,
    /// the context's threads otherwise.
    let products: MatrixProducts
    /// Threads to use; nil: the network's context's (`threads(layers:budget:)`).
    var threadLimit: Int?
    /// The share of each projection across threads that the thread below takes; nil: as the last
    /// window's work evens out (`WavefrontBalance`).
    var projectionShare: Double?
    /// How far each layer has got through the window, for the layer that waits on it.
    private let progress: [LayerProgress]
    private var groups: [Range<Int>] = []
    private var workers = WorkerThreads(count: 0)

    init(layers: Int, products: MatrixProducts) {
        layerCount = layers
        self.products = products
        progress = (0..<layers).map { _ in LayerProgress() }
    }

    deinit { workers.stop() }

    /// The layers' time steps, chunk by chunk, each thread running its group of layers in order and
    /// waiting for the group below to finish (and project) a chunk; the top layer's thread runs `output`
    /// on each chunk it finishes. Layer 1's input is looked up already.
    func forward<Scalar>(_ layers: [ACTLSTMLayer<Scalar>], _ θ: UnsafePointer<Scalar>, length: Int,
                         output: OutputLayer<Scalar>) {
        let progress = self.progress, top = layers.count - 1
        let split = prepareBalance(layers, length: length).forwardSplit
        run { group in
            for l in group {
                layers[l].beginForward(θ, length: length)
                if l < top { layers[l + 1].beginProjecting(θ, length: length) }
            }
            for start in stride(from: 0, to: length, by: Self.chunk) {
                let times = start..<min(start + Self.chunk, length)
                for l in group {
                    if l > 0 && l == group.lowerBound {
                        progress[l - 1].wait(until: times.upperBound)
                        layers[l].projectForward(θ, times: times, below: layers[l - 1].output,
                                                 columns: split[l]!..<(4 * layers[l].H))
                    }
                    layers[l].forward(θ, times: times)
                    // Layer l + 1's input: all of it within a thread, the columns before the split across one.
                    if l < top {
                        layers[l + 1].projectForward(θ, times: times, below: layers[l].output,
                                                     columns: 0..<(split[l + 1] ?? 4 * layers[l].H))
                    }
                    progress[l].advance(to: times.upperBound)
                    if l == top { output.forward(θ, times: times, top: layers[l].output) }
                }
            }
        }
    }

    /// The same backward, from the last chunk and from dL/dh_t of the top layer (`output`'s backward
    /// done): a thread waits for the layer above its group to finish a chunk, then passes that layer's
    /// gradient down to its own top layer. A thread done with its layers' time steps multiplies out their
    /// weight gradients (into their own parts of `g`) while the threads below are still at work, the top
    /// layer's thread `output`'s too. Layer 1's lookup is left to the caller (`shareColumns`).
    func backward<Scalar>(_ layers: [ACTLSTMLayer<Scalar>], _ θ: UnsafePointer<Scalar>,
                          _ g: UnsafeMutablePointer<Scalar>, length: Int, ponderWeight: Scalar,
                          output: OutputLayer<Scalar>) {
        let progress = self.progress, top = layers.count - 1
        let split = prepareBalance(layers, length: length).backwardSplit
        run { group in
            for l in group { layers[l].beginBackward(θ, length: length) }
            for start in stride(from: (length - 1) / Self.chunk * Self.chunk, through: 0, by: -Self.chunk) {
                let times = start..<min(start + Self.chunk, length), done = length - start
                for l in group.reversed() {
                    // Layer l + 1's gradient passed down to layer l, shared out as forward's projection.
                    if l < top {
                        if l == group.upperBound - 1 { progress[l + 1].wait(until: done) }
                        layers[l + 1].projectBackward(times: times, dBelow: layers[l].gradients.dOutput,
                                                      columns: 0..<(split[l + 1] ?? layers[l].H))
                    }
                    layers[l].backward(θ, g, times: times, ponderWeight: ponderWeight)
                    if l > 0 && l == group.lowerBound {
                        layers[l].projectBackward(times: times, dBelow: layers[l - 1].gradients.dOutput,
                                                  columns: split[l]!..<layers[l].H)
                    }
                    progress[l].advance(to: done)
                }
            }
            for l in group.reversed() {
                layers[l].weightGradients(g, length: length)
                if l > 0 { layers[l].projectWeightGradients(g, length: length, below: layers[l - 1].output) }
            }
            if group.contains(top) {
                output.weightGradients(g, positions: length * layers[top].batch, top: layers[top].output)
            }
        }
    }

    /// Sets the threads' groups and shares the projections at their boundaries out by the rows each layer
    /// ran in its last forward window (`WavefrontBalance`): the one before, forward; this one, backward.
    private func prepareBalance<Scalar>(_ layers: [ACTLSTMLayer<Scalar>], length: Int) -> WavefrontBalance {
        prepareThreads()
        if let share = projectionShare { return WavefrontBalance(share: share, groups: groups, hidden: layers[0].H) }
        return WavefrontBalance(groups: groups, rows: layers.map { $0.cache.rowCount },
                                positions: length * layers[0].batch, hidden: layers[0].H)
    }

    /// Starts the threads the budget allows, and groups the layers among them.
    private func prepareThreads() {
        let threads = Self.threads(layers: layerCount, budget: threadLimit ?? products.context.threads)
        if groups.count != threads {
            workers.stop()
            workers = WorkerThreads(count: threads - 1)
            groups = Self.groups(layers: layerCount, threads: threads)
        }
    }

    /// Calls `body(columns)` on each of the wavefront's threads at once, with its even share of `0..<count`,
    /// and returns when all are done: for work between the windows' wavefronts that splits by columns
    /// (layer 1's lookup), so the cores do not wait on one thread.
    func shareColumns(_ count: Int, _ body: (Range<Int>) -> Void) {
        prepareThreads()
        let threads = groups.count
        guard threads > 1 else {
            body(0..<count)
            return
        }
        workers.run { i in body((i * count / threads)..<((i + 1) * count / threads)) }
    }

    /// Calls `body(group)` for each group of layers on a thread of its own (the first on the caller's),
    /// each product on its thread alone meanwhile, and returns when all are done. One group: just calls it.
    private func run(_ body: (Range<Int>) -> Void) {
        for p in progress { p.reset() }
        guard groups.count > 1 else {
            body(groups[0])
            return
        }
        products.threads = 1
        defer { products.threads = products.context.threads }
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
