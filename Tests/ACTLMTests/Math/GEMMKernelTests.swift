import CGEMM
import CGEMMEmulated
import XCTest
import ACTLM

/// Each of the project's kernels (one source, gemm_kernel.h, at 8 and 16 lanes) against a plain triple
/// loop in Double: every transposition, β 0 and 1, shapes that fill whole register tiles and shapes that
/// leave ragged edges, strided operands, and packed B. A kernel this processor cannot run is skipped,
/// and says so; its 16-lane loops still run here on pairs of AVX2 vectors (CGEMMEmulated).
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

    /// One product on `engine`, plain and with B packed: (plain, packed).
    private func product(_ engine: MatrixEngine, threads: Int32 = 1, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                         a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float],
                         ldc: Int) -> (plain: [Float], packed: [Float]) {
        let kernel = engine.kernel!
        var plain = c, packed = c
        actlm_sgemm(kernel, threads, transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, b,
                    ldb, beta, &plain, ldc)
        var panels = [Float](repeating: .nan, count: actlm_packed_count(Int32(k), Int32(n)))
        actlm_pack(kernel, transposeB ? 1 : 0, Int32(k), Int32(n), b, ldb, &panels)
        actlm_sgemm_packed(kernel, threads, transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda, panels, beta,
                           &packed, ldc)
        return (plain, packed)
    }

    /// Every transposition, β 0 and 1, on shapes around the tiles of both widths (6 or 8 rows, 16 or 32
    /// columns), k across blocks of 128 and 256, and m across the AVX2 kernel's row blocks (144).
    private func assertMatchesAPlainLoop(_ engine: MatrixEngine) {
        var cases = 0
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            for m in [1, 5, 8, 9, 33, 70, 150] {
                for n in [1, 7, 15, 16, 17, 32, 33, 70] {
                    for k in [1, 13, 300] {
                        for beta: Float in [0, 1] {
                            let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 2, ldc = n + 5
                            let a = matrix((transposeA ? k : m) * lda), b = matrix((transposeB ? n : k) * ldb)
                            let c = matrix(m * ldc)
                            let expected = reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            let (plain, packed) = product(engine, transposeA: transposeA, transposeB: transposeB, m: m,
                                                          n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c,
                                                          ldc: ldc)
                            let shape = "\(engine.name) \(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB) β \(beta)"
                            var worst: Float = 0, untouched = true
                            for i in 0..<m {
                                for j in 0..<ldc {
                                    let at = i * ldc + j
                                    if j < n {
                                        let tolerance = 1e-5 * Float(k).squareRoot() * max(1, abs(expected[at]))
                                        worst = max(worst, abs(plain[at] - expected[at]) / tolerance,
                                                    abs(packed[at] - expected[at]) / tolerance)
                                    } else {
                                        // Columns past n belong to someone else: untouched.
                                        untouched = untouched && plain[at] == c[at] && packed[at] == c[at]
                                    }
                                }
                            }
                            XCTAssertLessThanOrEqual(worst, 1, shape)
                            XCTAssertTrue(untouched, "\(shape): columns past n changed")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 4 * 7 * 8 * 3 * 2)
    }

    func testAVX512KernelMatchesAPlainLoopOnEveryShape() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available, "this processor has no AVX-512")
        assertMatchesAPlainLoop(.avx512)
    }

    func testAVX2KernelMatchesAPlainLoopOnEveryShape() throws {
        try XCTSkipUnless(MatrixEngine.avx2Available, "this processor has no AVX2 and FMA")
        assertMatchesAPlainLoop(.avx2)
    }

    /// Both kernels sum each element in the same order with the same fused multiply-adds, so where both
    /// run they agree bit for bit, plain and packed (and a network gives the same bits on either).
    func testKernelsAgreeBitForBit() throws {
        try XCTSkipUnless(MatrixEngine.avx512Available && MatrixEngine.avx2Available, "needs AVX-512 and AVX2")
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            for (m, n, k) in [(32, 1024, 256), (9, 70, 300), (150, 33, 600), (300, 600, 129)] {
                let lda = transposeA ? m : k, ldb = transposeB ? k : n
                let a = matrix((transposeA ? k : m) * lda), b = matrix((transposeB ? n : k) * ldb), c = matrix(m * n)
                for beta: Float in [0, 1] {
                    let wide = product(.avx512, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a,
                                       lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: n)
                    let narrow = product(.avx2, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a,
                                         lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: n)
                    let shape = "\(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB) β \(beta)"
                    XCTAssertEqual(wide.plain.map(\.bitPattern), narrow.plain.map(\.bitPattern), shape)
                    XCTAssertEqual(wide.packed.map(\.bitPattern), narrow.packed.map(\.bitPattern), "packed \(shape)")
                }
            }
        }
    }

    /// The 16-lane instantiation's loops, blocks and edges (tiles of 8 × 32, k in blocks of 128, A in
    /// blocks of 288 rows, B in blocks of 512 columns and panels of 32), run on pairs of AVX2 vectors,
    /// give the AVX2 kernel's bits, plain and packed: so a processor without AVX-512 checks all of the
    /// AVX-512 kernel but its vector instructions, which testKernelsAgreeBitForBit checks where they run.
    func testAVX512LoopsOnAVX2VectorsGiveTheAVX2Bits() throws {
        try XCTSkipUnless(MatrixEngine.avx2Available, "this processor has no AVX2 and FMA")
        var cases = 0
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            for m in [1, 7, 8, 9, 31, 32, 33, 70, 290] {
                for n in [1, 17, 32, 33, 70, 530] {
                    for k in [1, 127, 129, 300] {
                        let lda = (transposeA ? m : k) + 1, ldb = (transposeB ? k : n) + 3, ldc = n + 2
                        let a = matrix((transposeA ? k : m) * lda), b = matrix((transposeB ? n : k) * ldb)
                        let c = matrix(m * ldc)
                        for beta: Float in [0, 1] {
                            let narrow = product(.avx2, transposeA: transposeA, transposeB: transposeB, m: m, n: n,
                                                 k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            var plain = c, packed = c
                            actlm_emulated512_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n),
                                                    Int32(k), a, lda, b, ldb, beta, &plain, ldc)
                            var panels = [Float](repeating: .nan, count: actlm_packed_count(Int32(k), Int32(n)))
                            actlm_pack(ACTLM_KERNEL_AVX512, transposeB ? 1 : 0, Int32(k), Int32(n), b, ldb, &panels)
                            actlm_emulated512_sgemm_packed(transposeA ? 1 : 0, Int32(m), Int32(n), Int32(k), a, lda,
                                                           panels, beta, &packed, ldc)
                            let shape = "\(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB) β \(beta)"
                            XCTAssertEqual(plain.map(\.bitPattern), narrow.plain.map(\.bitPattern), shape)
                            XCTAssertEqual(packed.map(\.bitPattern), narrow.packed.map(\.bitPattern), "packed \(shape)")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 4 * 9 * 6 * 4 * 2)
    }

    /// A product large enough to split across threads (by columns of C, whole panels each) gives the
    /// bits it gives on one thread, plain and packed, ragged last panel included; so does a product
    /// split while another thread splits one of its own (one of them then runs alone).
    func testProductsSplitAcrossThreadsGiveTheSameBits() throws {
        let engines = MatrixEngine.available.filter { $0.kernel != nil }
        try XCTSkipIf(engines.isEmpty, "this processor runs none of the project's kernels")
        for engine in engines {
            for (transposeA, transposeB, m, n, k) in [(false, false, 32, 1000, 300), (false, true, 128, 300, 1000),
                                                      (true, false, 300, 520, 700), (true, true, 33, 1000, 600)] {
                let lda = transposeA ? m : k, ldb = transposeB ? k : n
                let a = matrix((transposeA ? k : m) * lda), b = matrix((transposeB ? n : k) * ldb), c = matrix(m * n)
                XCTAssertGreaterThanOrEqual(2 * m * n * k, 1 << 23, "large enough to split")
                let one = product(engine, threads: 1, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: n)
                let label = "\(engine.name) \(m)×\(n)×\(k) Aᵀ \(transposeA) Bᵀ \(transposeB)"
                for threads: Int32 in [2, 3] {
                    let split = product(engine, threads: threads, transposeA: transposeA, transposeB: transposeB, m: m,
                                        n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: n)
                    XCTAssertEqual(split.plain.map(\.bitPattern), one.plain.map(\.bitPattern), "\(label), \(threads) threads")
                    XCTAssertEqual(split.packed.map(\.bitPattern), one.packed.map(\.bitPattern),
                                   "packed \(label), \(threads) threads")
                }
                let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 2)
                defer { results.deallocate() }
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    let split = self.product(engine, threads: 2, transposeA: transposeA, transposeB: transposeB, m: m,
                                             n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: n)
                    (results.baseAddress! + i).initialize(to: split.plain)
                }
                for i in 0..<2 { XCTAssertEqual(results[i].map(\.bitPattern), one.plain.map(\.bitPattern), "\(label), two callers") }
            }
        }
    }

    /// With k = 0 the product is empty: β = 0 clears C, β = 1 leaves it.
    func testEmptyProductClearsOrKeepsC() throws {
        let engines = MatrixEngine.available.filter { $0.kernel != nil }
        try XCTSkipIf(engines.isEmpty, "this processor runs none of the project's kernels")
        for engine in engines {
            let c = matrix(12)
            var cleared = c, kept = c
            actlm_sgemm(engine.kernel!, 2, 0, 0, 3, 4, 0, [], 1, [], 4, 0, &cleared, 4)
            actlm_sgemm(engine.kernel!, 2, 0, 0, 3, 4, 0, [], 1, [], 4, 1, &kept, 4)
            XCTAssertEqual(cleared, [Float](repeating: 0, count: 12), engine.name)
            XCTAssertEqual(kept, c, engine.name)
        }
    }

    /// ACTLM_GEMM names an engine; one the processor cannot run, or an unknown name, falls back to the
    /// fastest it has.
    func testEngineIsChosenByNameOrFallsBackToTheFastest() {
        let fastest = MatrixEngine.available[0]
        XCTAssertEqual(MatrixEngine.chosen(by: nil), fastest)
        XCTAssertEqual(MatrixEngine.chosen(by: "OpenBLAS"), .openBLAS)
        XCTAssertEqual(MatrixEngine.chosen(by: "avx2"), MatrixEngine.avx2Available ? .avx2 : fastest)
        XCTAssertEqual(MatrixEngine.chosen(by: "avx512"), MatrixEngine.avx512Available ? .avx512 : fastest)
        XCTAssertEqual(MatrixEngine.chosen(by: "sse"), fastest)
    }
}
