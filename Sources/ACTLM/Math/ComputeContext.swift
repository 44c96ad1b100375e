import Foundation

/// How a network multiplies: which engine, on how many threads. Made once per process from the
/// environment (`ComputeContext.process`) or by the caller, and carried by each network from its start,
/// so nothing global decides how anything is computed: two networks with different engines or thread
/// counts can run side by side in one process.
public struct ComputeContext: Sendable, Hashable, CustomStringConvertible {
    public var engine: MatrixEngine
    /// Cores a network may use: the layer wavefront's threads (at most one per layer), and the threads
    /// one product is split across where fewer layer threads run. Results do not depend on it on the
    /// project's kernels (a split product is cut by columns).
    public var threads: Int
    /// Whether the user chose `threads` (OPENBLAS_NUM_THREADS), which the commands then leave alone.
    public var threadsChosen: Bool

    public init(engine: MatrixEngine, threads: Int, threadsChosen: Bool = true) {
        precondition(engine.isAvailable, "this processor cannot run \(engine.name)")
        self.engine = engine
        self.threads = max(1, threads)
        self.threadsChosen = threadsChosen
    }

    /// ACTLM_GEMM chooses the engine (the fastest this processor has by default), OPENBLAS_NUM_THREADS
    /// the threads (every core by default).
    public init(environment: [String: String]) {
        let asked = environment["OPENBLAS_NUM_THREADS"].flatMap { Int($0) }.flatMap { $0 >= 1 ? $0 : nil }
        self.init(engine: MatrixEngine.chosen(by: environment["ACTLM_GEMM"]),
                  threads: asked ?? ProcessInfo.processInfo.activeProcessorCount, threadsChosen: asked != nil)
    }

    /// The process's context, from its environment, read once.
    public static let process = ComputeContext(environment: ProcessInfo.processInfo.environment)

    /// The same engine on one thread, unless the user chose the threads. Reading one stream (batch 1:
    /// sample, ponder-map of a model without resets), every ponder step multiplies one row by a matrix: too
    /// little work to share, so a second thread mostly waits and competes for the core (46 s on one thread
    /// against 76 s on two for the same text, H = 256, 2 layers, on the 2-core machine).
    public func forSingleStream() -> ComputeContext {
        threadsChosen ? self : ComputeContext(engine: engine, threads: 1, threadsChosen: false)
    }

    /// The share of the cores of one of `processes` processes on the machine (the ranks of a data-parallel
    /// run on it), so their threads do not compete; unless the user chose the threads.
    public func sharingCores(among processes: Int) -> ComputeContext {
        guard !threadsChosen, processes > 1 else { return self }
        return ComputeContext(engine: engine, threads: ProcessInfo.processInfo.activeProcessorCount / processes,
                              threadsChosen: false)
    }

    /// The same threads on another engine.
    public func with(engine: MatrixEngine) -> ComputeContext {
        ComputeContext(engine: engine, threads: threads, threadsChosen: threadsChosen)
    }

    public var description: String { "\(engine.rawValue), \(threads) thread\(threads == 1 ? "" : "s")" }
}
