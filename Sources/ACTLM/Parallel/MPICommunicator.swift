import CMPI
import Foundation

/// The ranks of a run started by `mpirun` (Open MPI), over MPI_COMM_WORLD. MPI is initialised only when
/// the launcher's variables say this process is one of a job, so a plain `actlm train` needs no MPI
/// runtime and prints nothing of it. MPI's default error handler ends the whole job on a failed call.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// Ranks on this machine (for sharing its cores), when the launcher says.
    public let localSize: Int?
    /// Wall time spent summing gradients (once per step), waiting for the slowest rank included.
    public private(set) var gradientSumSeconds = 0.0
    public private(set) var gradientSums = 0

    /// Variables that Open MPI's launcher (or a PMIx one such as Slurm's srun) sets in each rank.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK"]

    /// The communicator of this process: MPI's when a launcher started it, a single process otherwise.
    public static func forThisProcess(environment: [String: String] = ProcessInfo.processInfo.environment) -> Communicator {
        guard launcherVariables.contains(where: { environment[$0] != nil }) else { return SingleProcess() }
        return MPICommunicator(localSize: environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) })
    }

    private init(localSize: Int?) {
        _ = actlm_mpi_init()
        rank = Int(actlm_mpi_rank())
        size = Int(actlm_mpi_size())
        self.localSize = localSize
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        let watch = Stopwatch()
        defer {
            gradientSumSeconds += watch.seconds
            gradientSums += 1
        }
        for chunk in Self.chunks(values.count) { _ = actlm_mpi_sum_floats(values.baseAddress! + chunk.lowerBound, Int32(chunk.count)) }
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        for chunk in Self.chunks(values.count) { _ = actlm_mpi_sum_doubles(values.baseAddress! + chunk.lowerBound, Int32(chunk.count)) }
    }

    public func maximum(_ values: UnsafeMutableBufferPointer<Int64>) {
        _ = actlm_mpi_max_int64s(values.baseAddress!, Int32(values.count))
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer) {
        guard bytes.count > 0 else { return }
        _ = actlm_mpi_broadcast_bytes(bytes.baseAddress!, Int32(bytes.count), 0)
    }

    public func gather(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var received = [UInt8](repeating: 0, count: isRoot ? bytes.count * size : 0)
        received.withUnsafeMutableBytes { out in
            _ = actlm_mpi_gather_bytes(bytes.baseAddress, Int32(bytes.count), out.baseAddress, 0)
        }
        return isRoot ? received : nil
    }

    public func abort(status: Int32) -> Never {
        _ = actlm_mpi_abort(status)
        exit(status)
    }

    public func finish() {
        _ = actlm_mpi_finalize()
    }

    /// MPI counts are 32-bit: a longer buffer goes in pieces.
    private static func chunks(_ count: Int) -> [Range<Int>] {
        let most = Int(Int32.max)
        return stride(from: 0, to: count, by: most).map { $0..<min($0 + most, count) }
    }
}
