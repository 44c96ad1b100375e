import CGEMM
import Foundation

/// What multiplies Float matrices. OpenBLAS 0.3.21 does not know this project's AMD processors and is
/// pinned to its AVX2 kernels on them (OPENBLAS_CORETYPE=Haswell), which run at half the width an
/// AVX-512 processor has; and on every processor it packs B afresh for each product, which the
/// recurrent products (32 rows against the whole of W_h) pay for at every ponder step. So the project
/// multiplies with kernels of its own (CGEMM) that take the weights packed once per window
/// (`PackedMatrix`): the AVX-512 one where the processor has AVX-512, the AVX2 + FMA one where it has
/// those, OpenBLAS elsewhere. ACTLM_GEMM=avx512, avx2 or openblas chooses (`ComputeContext`).
public enum MatrixEngine: String, Sendable, CaseIterable {
    case avx512 = "actlm AVX-512 kernel"
    case avx2 = "actlm AVX2 kernel"
    case openBLAS = "OpenBLAS"

    /// Whether this processor can run the AVX-512 kernel.
    public static let avx512Available = actlm_kernel_available(ACTLM_KERNEL_AVX512) != 0
    /// Whether this processor can run the AVX2 + FMA kernel.
    public static let avx2Available = actlm_kernel_available(ACTLM_KERNEL_AVX2) != 0

    /// The name ACTLM_GEMM takes for it.
    public var name: String {
        switch self {
        case .avx512: "avx512"
        case .avx2: "avx2"
        case .openBLAS: "openblas"
        }
    }

    /// Whether this processor can run it.
    public var isAvailable: Bool {
        switch self {
        case .avx512: Self.avx512Available
        case .avx2: Self.avx2Available
        case .openBLAS: true
        }
    }

    /// The project's kernel behind the engine; nil for OpenBLAS.
    public var kernel: actlm_kernel? {
        switch self {
        case .avx512: ACTLM_KERNEL_AVX512
        case .avx2: ACTLM_KERNEL_AVX2
        case .openBLAS: nil
        }
    }

    /// The engines this processor can run, fastest first.
    public static var available: [MatrixEngine] { allCases.filter(\.isAvailable) }

    /// The engine ACTLM_GEMM asks for, or the fastest this processor has; one it cannot run, or a name it
    /// does not know, is said once on standard error and the fastest taken instead.
    public static func chosen(by setting: String?) -> MatrixEngine {
        let fastest = available[0]
        guard let setting, !setting.isEmpty else { return fastest }
        guard let asked = allCases.first(where: { $0.name == setting.lowercased() }) else {
            let names = allCases.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("actlm: ACTLM_GEMM=\(setting) is not one of \(names); using \(fastest.name)\n".utf8))
            return fastest
        }
        guard asked.isAvailable else {
            FileHandle.standardError.write(Data("actlm: this processor cannot run ACTLM_GEMM=\(asked.name); using \(fastest.name)\n".utf8))
            return fastest
        }
        return asked
    }

    /// Weights are packed for a window (`PackedMatrix`) when its products have at least this many rows
    /// of A in all: packing copies B once, which sampling's one stream (a row at a time) would not repay.
    public static let rowsWorthPacking = 64
}
