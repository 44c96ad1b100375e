/// Which of the run's B streams one rank trains and validates: K ranks take B/K consecutive streams
/// each, rank r the streams r·B/K ..< (r+1)·B/K, at the same corpus offsets a single process would use.
/// The carried state of the whole run is [L, 2, B, H]; a rank holds the [L, 2, B/K, H] of its streams.
public struct StreamShare: Equatable, Sendable {
    /// Global indices of this rank's streams.
    public let streams: Range<Int>
    /// B, over all ranks.
    public let batch: Int

    /// All B streams in one process.
    public init(batch: Int) {
        streams = 0..<batch
        self.batch = batch
    }

    public init(batch: Int, rank: Int, ranks: Int) throws {
        guard ranks >= 1, batch % ranks == 0 else { throw DataParallelError.batchNotDivisible(batch: batch, ranks: ranks) }
        let each = batch / ranks
        streams = rank * each..<(rank + 1) * each
        self.batch = batch
    }

    public var isWhole: Bool { streams.count == batch }

    /// This rank's streams out of a whole run's state [L, 2, B, H].
    public func slice(state: [Float], hidden: Int) -> [Float] {
        guard !isWhole else { return state }
        let blocks = state.count / (batch * hidden)
        var part: [Float] = []
        part.reserveCapacity(blocks * streams.count * hidden)
        for block in 0..<blocks {
            let start = (block * batch + streams.lowerBound) * hidden
            part += state[start..<start + streams.count * hidden]
        }
        return part
    }

    /// The whole run's state [L, 2, B, H] from every rank's part, concatenated in rank order.
    public func assemble(parts: [Float], hidden: Int) -> [Float] {
        guard !isWhole else { return parts }
        let each = streams.count * hidden, ranks = batch / streams.count
        let blocks = parts.count / (ranks * each)
        var state = [Float](repeating: 0, count: parts.count)
        for rank in 0..<ranks {
            for block in 0..<blocks {
                let from = (rank * blocks + block) * each
                let to = (block * batch + rank * streams.count) * hidden
                state[to..<to + each] = parts[from..<from + each]
            }
        }
        return state
    }
}

/// Why a data-parallel run could not start or go on.
public enum DataParallelError: Error, CustomStringConvertible, Equatable {
    case batchNotDivisible(batch: Int, ranks: Int)
    /// The parameters were no longer the same on every rank at `step`.
    case replicasDiffer(step: Int, lastCheckpoint: String?)

    public var description: String {
        switch self {
        case let .batchNotDivisible(batch, ranks):
            return "--batch \(batch) cannot be shared by \(ranks) processes: each trains the same number of the "
                + "\(batch) streams. Run mpirun -np with a divisor of \(batch), or choose a --batch that \(ranks) divides."
        case let .replicasDiffer(step, last):
            return "the ranks' parameters differ at step \(step), so they no longer train one model (a faulty "
                + "node or a mismatched build). "
                + (last.map { "The last good checkpoint, \($0), was left as it was; resume from it." }
                    ?? "No checkpoint was written in this run.")
        }
    }
}
