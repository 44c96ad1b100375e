import CGEMM
import XCTest
import ACTLM

/// The AVX-512 kernel against a plain triple loop in Double: every transposition, β 0 and 1, shapes
/// that fill whole register tiles and shapes that leave ragged edges, strided operands, and packed B.
final class GEMMKernelTests: XCTestCase {
    private var random = RandomSource(seed: 11)

    private func matrix(_ count: Int) -> [Float] { (0..<count).map { _ in 2 * random.nextUnitFloat() - 1 } }

    /// C ← op(A)·op(B) + β·C computed in Double, row-major with the given leading dimensions.
    private func reference(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: [Float], lda: Int,
                           b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                result[i * ldc + j] = Float(sum + Double(beta) * Double(c[i * ldc + j]))
            }
        }
        return result
    }

    func testKernelMatchesAPlainLoopOnEveryShape() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available, "this processor has no AVX-512; OpenBLAS does the products")
        var cases = 0
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            for m in [1, 5, 8, 9, 33, 70] {
                for n in [1, 15, 16, 17, 32, 33, 70] {
                    for k in [1, 13, 300] {
                        for beta: Float in [0, 1] {
                            let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 2, ldc = n + 5
                            let a = matrix((transposeA ? k : m) * lda), b = matrix((transposeB ? n : k) * ldb)
                            let c = matrix(m * ldc)
                            let expected = reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            var plain = c, packed = c
                            actlm_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda,
                                        b, ldb, beta, &plain, ldc)
                            var panels = [Float](repeating: .nan, count: actlm_packed_count(Int32(k), Int32(n)))
                            actlm_pack(transposeB ? 1 : 0, Int32(k), Int32(n), b, ldb, &panels)
                            actlm_sgemm_packed(transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, panels, beta,
                                               &packed, ldc)
                            let shape = "\(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB) β \(beta)"
                            for i in 0..<m {
                                for j in 0..<ldc {
                                    let at = i * ldc + j
                                    if j < n {
                                        let tolerance = 1e-5 * Float(k).squareRoot() * max(1, abs(expected[at]))
                                        XCTAssertEqual(plain[at], expected[at], accuracy: tolerance, shape)
                                        XCTAssertEqual(packed[at], expected[at], accuracy: tolerance, "packed \(shape)")
                                    } else {
                                        // Columns past n belong to someone else: untouched.
                                        XCTAssertEqual(plain[at], c[at], shape)
                                        XCTAssertEqual(packed[at], c[at], "packed \(shape)")
                                    }
                                }
                            }
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 4 * 6 * 7 * 3 * 2)
    }

    /// With k = 0 the product is empty: β = 0 clears C, β = 1 leaves it.
    func testEmptyProductClearsOrKeepsC() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available, "this processor has no AVX-512")
        let c = matrix(12)
        var cleared = c, kept = c
        actlm_sgemm(0, 0, 3, 4, 0, [], 1, [], 4, 0, &cleared, 4)
        actlm_sgemm(0, 0, 3, 4, 0, [], 1, [], 4, 1, &kept, 4)
        XCTAssertEqual(cleared, [Float](repeating: 0, count: 12))
        XCTAssertEqual(kept, c)
    }
}
