extension Communicator {
    /// Sums each rank's share of a validation pass (its loss totals and ponder statistics) over all ranks,
    /// in one reduction of Doubles; counts stay exact below 2^53 bytes.
    func sum(_ loss: inout WindowLoss, _ stats: inout PonderStats) throws {
        guard size > 1 else { return }
        func doubles(_ counts: [UInt64]) -> [Double] { counts.map { Double($0) } }
        let parts: [[Double]] = [[loss.taskNats, Double(loss.count)], loss.ponder,
                                 stats.rhoByByte, stats.stepsByByte, doubles(stats.countByByte),
                                 stats.rhoByClass, stats.stepsByClass, doubles(stats.countByClass),
                                 doubles(stats.stepHistogram)]
        var flat = parts.flatMap { $0 }
        try flat.withUnsafeMutableBufferPointer { try sum($0) }
        var next = 0
        func take(_ count: Int) -> [Double] {
            defer { next += count }
            return Array(flat[next..<next + count])
        }
        func counts(_ count: Int) -> [UInt64] { take(count).map { UInt64($0.rounded()) } }
        let totals = take(2)
        loss.taskNats = totals[0]
        loss.count = Int(totals[1].rounded())
        loss.ponder = take(loss.ponder.count)
        stats.rhoByByte = take(stats.rhoByByte.count)
        stats.stepsByByte = take(stats.stepsByByte.count)
        stats.countByByte = counts(stats.countByByte.count)
        stats.rhoByClass = take(stats.rhoByClass.count)
        stats.stepsByClass = take(stats.stepsByClass.count)
        stats.countByClass = counts(stats.countByClass.count)
        stats.stepHistogram = counts(stats.stepHistogram.count)
    }
}
