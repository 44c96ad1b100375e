#include "gemm_shared.h"

#if defined(__x86_64__)

#include <immintrin.h>

// A register tile is MR rows of C by one panel of 32 columns (two vectors): 16 accumulators at MR = 8,
// enough independent sums to keep both FMA pipes busy, with registers to spare for B.
enum { MR = 8 };

#define AVX512 __attribute__((target("avx512f")))

/// C[rows, 32] (+)= A[rows, kc] · P[kc, 32]. A's element (i, p) is at a[i·rs + p·cs]; P's row p at
/// b + p·ldb. `mask0`, `mask1` select the columns of C that exist (the last panel may be narrower).
static inline __attribute__((always_inline)) AVX512 void
tile(int rows, int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, ptrdiff_t ldb,
     float *c, ptrdiff_t ldc, int accumulate, __mmask16 mask0, __mmask16 mask1) {
    __m512 sum[MR][2];
    for (int i = 0; i < rows; i++) {
        if (accumulate) {
            sum[i][0] = _mm512_maskz_loadu_ps(mask0, c + i * ldc);
            sum[i][1] = _mm512_maskz_loadu_ps(mask1, c + i * ldc + 16);
        } else {
            sum[i][0] = _mm512_setzero_ps();
            sum[i][1] = _mm512_setzero_ps();
        }
    }
    for (int p = 0; p < kc; p++) {
        const float *row = b + p * ldb, *column = a + p * cs;
        __m512 b0 = _mm512_maskz_loadu_ps(mask0, row), b1 = _mm512_maskz_loadu_ps(mask1, row + 16);
        for (int i = 0; i < rows; i++) {
            __m512 x = _mm512_set1_ps(column[i * rs]);
            sum[i][0] = _mm512_fmadd_ps(x, b0, sum[i][0]);
            sum[i][1] = _mm512_fmadd_ps(x, b1, sum[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        _mm512_mask_storeu_ps(c + i * ldc, mask0, sum[i][0]);
        _mm512_mask_storeu_ps(c + i * ldc + 16, mask1, sum[i][1]);
    }
}

/// `tile` with the row count a constant, so each variant keeps its sums in registers.
static AVX512 void
tile_rows(int rows, int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, ptrdiff_t ldb,
          float *c, ptrdiff_t ldc, int accumulate, int columns) {
    __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
    switch (rows) {
    case 8: tile(8, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 7: tile(7, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 6: tile(6, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 5: tile(5, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 4: tile(4, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 3: tile(3, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    case 2: tile(2, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    default: tile(1, kc, a, rs, cs, b, ldb, c, ldc, accumulate, mask0, mask1); break;
    }
}

/// C[m, n] (+)= A[m, kc] · P[kc, n], P in panels of 32 columns `panel_stride` apart, rows `ldb` apart.
/// Row tiles outermost, so a tile of A (MR × kc) stays in L1 across the panels.
static AVX512 void
block_product(int m, int n, int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, ptrdiff_t ldb,
              ptrdiff_t panel_stride, float *c, ptrdiff_t ldc, int accumulate) {
    for (int i = 0; i < m; i += MR) {
        int rows = m - i < MR ? m - i : MR;
        for (int j = 0, panel = 0; j < n; j += NR, panel++) {
            int columns = n - j < NR ? n - j : NR;
            tile_rows(rows, kc, a + i * rs, rs, cs, b + panel * panel_stride, ldb, c + i * ldc + j, ldc,
                      accumulate, columns);
        }
    }
}

AVX512 void actlm_avx512_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                                      const float *packed, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    if (k == 0) {
        actlm_empty_product(m, n, beta, c, ldc);
        return;
    }
    block_product(m, n, k, a, rs, cs, packed, NR, (ptrdiff_t)k * NR, c, ldc, beta != 0);
}

AVX512 void actlm_avx512_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                               const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    if (k == 0) {
        actlm_empty_product(m, n, beta, c, ldc);
        return;
    }
    // A few rows of A against a plain B: reading B in place costs less than copying it.
    if (!trans_b && m < 64) {
        block_product(m, n, k, a, rs, cs, b, ldb, NR, c, ldc, beta != 0);
        return;
    }
    float *packed = actlm_scratch();
    for (int j0 = 0; j0 < n; j0 += NC) {
        int nc = n - j0 < NC ? n - j0 : NC;
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = k - k0 < KC ? k - k0 : KC;
            actlm_pack_rows(trans_b, k0, kc, j0, nc, b, ldb, NR, packed);
            block_product(m, nc, kc, a + k0 * cs, rs, cs, packed, NR, (ptrdiff_t)kc * NR, c + j0, ldc,
                          beta != 0 || k0 > 0);
        }
    }
}

#endif
