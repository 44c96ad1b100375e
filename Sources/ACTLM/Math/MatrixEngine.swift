import CGEMM
import Foundation

/// What multiplies Float matrices. OpenBLAS 0.3.21 does not know this project's AMD processors and is
/// pinned to its AVX2 kernels on them (OPENBLAS_CORETYPE=Haswell), which run at half the width the
/// processor has; where AVX-512 is there, the project's own kernel (CGEMM) does the products instead.
/// ACTLM_GEMM=openblas keeps OpenBLAS, to compare the two.
public enum MatrixEngine: String, Sendable {
    case avx512 = "actlm AVX-512 kernel"
    case openBLAS = "OpenBLAS"

    /// Whether this processor can run the AVX-512 kernel.
    public static let avx512Available = actlm_gemm_available() != 0

    /// The engine in use: set once at start (tests set it to compare the two on the same work).
    nonisolated(unsafe) public static var current: MatrixEngine =
        ProcessInfo.processInfo.environment["ACTLM_GEMM"]?.lowercased() == "openblas" || !avx512Available
            ? .openBLAS : .avx512

    /// Weights are packed for a window (`PackedMatrix`) when its products have at least this many rows
    /// of A in all: packing copies B once, which sampling's one stream (a row at a time) would not repay.
    public static let rowsWorthPacking = 64
}
