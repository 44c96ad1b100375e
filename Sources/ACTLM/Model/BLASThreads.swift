import CBLAS
import Foundation

/// How many threads OpenBLAS uses. Running one stream (batch 1: sample, ponder-map, eval), every ponder
/// step multiplies one row by a matrix: too little work to share, so a second thread mostly waits and
/// competes for the core. Measured on the 2-core machine (H = 256, 2 layers, batch 1): 46 s on one
/// thread against 76 s on two for the same text.
public enum BLASThreads {
    /// One thread, unless the user chose a number with OPENBLAS_NUM_THREADS.
    public static func useOneForASingleStream() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil else { return }
        openblas_set_num_threads(1)
    }

    /// Processes sharing one machine (the ranks of a data-parallel run on it) split its cores, so their
    /// threads do not compete; again unless OPENBLAS_NUM_THREADS chose.
    public static func shareCores(among processes: Int) {
        guard ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil, processes > 1 else { return }
        openblas_set_num_threads(Int32(max(1, ProcessInfo.processInfo.activeProcessorCount / processes)))
    }
}
