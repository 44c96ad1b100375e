#include "gemm_shared.h"

#if defined(__x86_64__)

#include <immintrin.h>

// A register tile is MR rows of C by 16 columns (two vectors of 8): 12 accumulators, 2 vectors of B
// and one broadcast of A fill 15 of the 16 registers, and 12 independent sums cover the FMA latency
// of both pipes. B is packed in panels of one slice (16 columns): a slice's rows then lie 64 bytes apart,
// one cache line each, and its KC rows spread over all of L1's sets; rows 128 bytes apart (in panels of
// 32) fill only every other set, all 8 ways of each, and the stream of A evicts them.
// Blocks: KC rows of a 16-column slice of B (16 KB) stay in L1 across the row tiles; MC rows of A by KC
// (144 KB) and a packed block of B (KC × NC, 256 KB) stay in L2.
enum { MR = 6, NS = AVX2_PANEL };

#define AVX2 __attribute__((target("avx2,fma")))

/// C[rows, 16] (+)= A[rows, kc] · S[kc, 16]. A is packed, its element (i, p) at a[p·rows + i]; S's row p
/// at b + p·ldb. `mask0`, `mask1` select the columns that exist when the slice is narrower than 16:
/// of C unless `whole_c`, and of B too unless `whole_b` (a packed panel is zero-padded, B in place is not).
static inline __attribute__((always_inline)) AVX2 void
tile(int rows, int kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate,
     int whole_b, int whole_c, __m256i mask0, __m256i mask1) {
    __m256 sum[MR][2];
    for (int i = 0; i < rows; i++) {
        if (!accumulate) {
            sum[i][0] = _mm256_setzero_ps();
            sum[i][1] = _mm256_setzero_ps();
        } else if (whole_c) {
            sum[i][0] = _mm256_loadu_ps(c + i * ldc);
            sum[i][1] = _mm256_loadu_ps(c + i * ldc + 8);
        } else {
            sum[i][0] = _mm256_maskload_ps(c + i * ldc, mask0);
            sum[i][1] = _mm256_maskload_ps(c + i * ldc + 8, mask1);
        }
    }
    for (int p = 0; p < kc; p++) {
        const float *row = b + p * ldb, *column = a + p * rows;
        __m256 b0 = whole_b ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, mask0);
        __m256 b1 = whole_b ? _mm256_loadu_ps(row + 8) : _mm256_maskload_ps(row + 8, mask1);
        for (int i = 0; i < rows; i++) {
            __m256 x = _mm256_broadcast_ss(column + i);
            sum[i][0] = _mm256_fmadd_ps(x, b0, sum[i][0]);
            sum[i][1] = _mm256_fmadd_ps(x, b1, sum[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        if (whole_c) {
            _mm256_storeu_ps(c + i * ldc, sum[i][0]);
            _mm256_storeu_ps(c + i * ldc + 8, sum[i][1]);
        } else {
            _mm256_maskstore_ps(c + i * ldc, mask0, sum[i][0]);
            _mm256_maskstore_ps(c + i * ldc + 8, mask1, sum[i][1]);
        }
    }
}

#define TILE_ROWS(whole_b, whole_c)                                                                          \
    switch (rows) {                                                                                         \
    case 6: tile(6, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;     \
    case 5: tile(5, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;     \
    case 4: tile(4, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;     \
    case 3: tile(3, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;     \
    case 2: tile(2, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;     \
    default: tile(1, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;    \
    }

/// The mask of a vector's first `count` lanes (all of them from 8 up, none at 0 or below).
static inline __attribute__((always_inline)) AVX2 __m256i first_lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// `tile` with the row count and the masking constants, so each variant keeps its sums in registers
/// and a whole slice loads and stores without masks.
static AVX2 void
tile_rows(int rows, int kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate,
          int columns, int padded) {
    __m256i mask0 = first_lanes(columns), mask1 = first_lanes(columns - 8);
    if (columns == NS) {
        TILE_ROWS(1, 1)
    } else if (padded) {
        TILE_ROWS(1, 0)
    } else {
        TILE_ROWS(0, 0)
    }
}

/// The rows of the tile at row i of m: MR, except that a remainder of 1 to 3 rows is evened out with
/// the tile before it (8 rows go as 4 + 4), as a tile of few rows has too few sums to hide FMA latency.
static inline int tile_height(int m, int i) {
    int left = m - i;
    if (left <= MR) return left;
    if (left < MR + 4) return (left + 1) / 2;
    return MR;
}

/// Asks for the C of the next tile while this one computes: a block of C is often larger than L2, and
/// a tile that waits for its C at its start waits with all its FMAs.
static inline void prefetch_c(int rows, const float *c, ptrdiff_t ldc) {
    for (int i = 0; i < rows; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
}

/// Asks for rows `from` ..< `to` of the 16-column slice of B that comes next while this one computes.
/// Each row is one cache line: of the packed panel, one after another, or of B in place, `ldb` apart. A
/// slice of a large B (the recurrent weights at H = 1024 are 16 MB) comes from L3 or memory; asked for a
/// tile ahead, it is there when the next slice starts.
static inline void prefetch_slice(const float *slice, ptrdiff_t ldb, int from, int to) {
    for (int p = from; p < to; p++) _mm_prefetch((const char *)(slice + p * ldb), _MM_HINT_T0);
}

/// Transposes the 8 × 8 block in r (row i in r[i]): afterwards r[j] holds column j.
static inline __attribute__((always_inline)) AVX2 void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        s[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x20);
        r[j + 4] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x31);
    }
}

/// Stores the first `rows` lanes of column p of a tile (`rows` floats at out + p·rows). A whole vector
/// spills into the places of the columns after p, which are written after it; a store that would spill
/// past the tile's end is masked, as there may lie the end of the buffer.
static inline __attribute__((always_inline)) AVX2 void
store_column(float *out, int p, int kc, int rows, __m256i mask, __m256 column) {
    if (p * rows + 8 <= kc * rows) _mm256_storeu_ps(out + p * rows, column);
    else _mm256_maskstore_ps(out + p * rows, mask, column);
}

/// Columns k0 ..< k0 + kc of op(A)'s m rows (element (i, p) at a[i·rs + p·cs]) into `packed`, tile by
/// tile as `multiply` takes them (in blocks of MC rows): the tile of h rows at row i at packed + i·kc,
/// its column p at packed + i·kc + p·h. The tiles then read A contiguously whatever its layout (rows
/// 4 KB apart all fall in the same sets of L1), and a block of A is packed once for all of B's columns.
static AVX2 void pack_a(int m, int k0, int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, float *packed) {
    for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        if (cs == 1) {
            // op(A)'s rows are A's: 8 columns of the tile's rows at a time, read along the rows and
            // transposed in registers (a tile has at most MR < 8 rows; the rest are zeros).
            for (int i = 0; i < mc;) {
                int rows = tile_height(mc, i);
                __m256i mask = first_lanes(rows);
                float *out = packed + (size_t)(i0 + i) * kc;
                const float *from = a + (i0 + i) * rs + k0;
                int p = 0;
                for (; p + 8 <= kc; p += 8) {
                    __m256 r[8];
                    for (int q = 0; q < 8; q++) r[q] = q < rows ? _mm256_loadu_ps(from + q * rs + p) : _mm256_setzero_ps();
                    transpose8(r);
                    for (int j = 0; j < 8; j++) store_column(out, p + j, kc, rows, mask, r[j]);
                }
                for (; p < kc; p++)
                    for (int r = 0; r < rows; r++) out[p * rows + r] = from[r * rs + p];
                i += rows;
            }
        } else {
            // op(A)'s rows are A's columns: PACK_GROUP of A's rows at a time, into every tile, each
            // tile's part of a row in one masked load.
            for (int p0 = 0; p0 < kc; p0 += PACK_GROUP) {
                int p1 = kc - p0 < PACK_GROUP ? kc : p0 + PACK_GROUP;
                for (int i = 0; i < mc;) {
                    int rows = tile_height(mc, i);
                    __m256i mask = first_lanes(rows);
                    float *out = packed + (size_t)(i0 + i) * kc;
                    for (int p = p0; p < p1; p++)
                        store_column(out, p, kc, rows, mask, _mm256_maskload_ps(a + (i0 + i) + (k0 + p) * cs, mask));
                    i += rows;
                }
            }
        }
    }
}

/// C[m, n] (+)= A[m, kc] · B[kc, n], A packed by `pack_a`, B in panels of 16 columns `panel_stride` apart,
/// rows `ldb` apart (a packed B, `padded`; or B in place, panel_stride 16). In blocks of MC rows of A
/// (which stay in L2); in a block, slices of 16 columns outermost, so that a slice of B stays in L1
/// across the row tiles, while the tiles ask for the next slice.
static AVX2 void
multiply(int m, int n, int kc, const float *packed_a, const float *b, ptrdiff_t ldb, ptrdiff_t panel_stride,
         float *c, ptrdiff_t ldc, int accumulate, int padded) {
    for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        for (int j = 0; j < n; j += NS) {
            int columns = n - j < NS ? n - j : NS;
            const float *slice = b + (j / NS) * panel_stride;
            int next = j + NS < n ? j + NS : j;
            const float *next_slice = b + (next / NS) * panel_stride;
            // The next slice's rows, a sixth per tile (a block of 32 rows has six tiles).
            int fetched = 0, share = (kc + 5) / 6;
            for (int i = 0; i < mc;) {
                int rows = tile_height(mc, i);
                int upto = fetched + share < kc ? fetched + share : kc;
                prefetch_slice(next_slice, ldb, fetched, upto);
                fetched = upto;
                prefetch_c(i + rows < mc ? tile_height(mc, i + rows) : 0, c + (i0 + i + rows) * ldc + j, ldc);
                tile_rows(rows, kc, packed_a + (size_t)(i0 + i) * kc, slice, ldb, c + (i0 + i) * ldc + j, ldc,
                          accumulate, columns, padded);
                i += rows;
            }
        }
    }
}

/// C ← op(A)·B + β·C with B in panels (packed: panel_stride k·16, rows 16 apart; in place: 16 and ldb),
/// blocked over k, each block of A packed once.
static AVX2 void
product(int m, int n, int k, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, ptrdiff_t ldb,
        ptrdiff_t panel_stride, float beta, float *c, ptrdiff_t ldc, int padded) {
    float *packed_a = actlm_scratch_a((size_t)m * KC);
    for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = k - k0 < KC ? k - k0 : KC;
        pack_a(m, k0, kc, a, rs, cs, packed_a);
        multiply(m, n, kc, packed_a, b + k0 * ldb, ldb, panel_stride, c, ldc, beta != 0 || k0 > 0, padded);
    }
}

AVX2 void actlm_avx2_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                                  const float *packed, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    if (k == 0) {
        actlm_empty_product(m, n, beta, c, ldc);
        return;
    }
    product(m, n, k, a, rs, cs, packed, NS, (ptrdiff_t)k * NS, beta, c, ldc, 1);
}

AVX2 void actlm_avx2_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                           const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    if (k == 0) {
        actlm_empty_product(m, n, beta, c, ldc);
        return;
    }
    // A few rows of A against a plain B: reading B in place costs less than copying it.
    if (!trans_b && m < 64) {
        product(m, n, k, a, rs, cs, b, ldb, NS, beta, c, ldc, 0);
        return;
    }
    // Blocks of KC rows of op(B) by NC columns packed, each once; A's block of KC columns packed once.
    float *packed_b = actlm_scratch(), *packed_a = actlm_scratch_a((size_t)m * KC);
    for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = k - k0 < KC ? k - k0 : KC;
        pack_a(m, k0, kc, a, rs, cs, packed_a);
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = n - j0 < NC ? n - j0 : NC;
            actlm_pack_rows(trans_b, k0, kc, j0, nc, b, ldb, NS, packed_b);
            multiply(m, nc, kc, packed_a, packed_b, NS, (ptrdiff_t)kc * NS, c + j0, ldc, beta != 0 || k0 > 0, 1);
        }
    }
}

#endif
