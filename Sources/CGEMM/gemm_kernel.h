// The project's matrix kernel, written once for every vector width. A file that includes it defines
// the width first: LANES, MR (a register tile's rows), PANEL, TARGET (the target attribute), KERNEL(name)
// (the entry points' names), the types `vec` (LANES floats) and `lanes` (a mask of a vector's first
// lanes, for ragged edges), and the vector operations first_lanes, zero, load, load_first, store,
// store_first, broadcast and fmadd. gemm_avx2.c does so at 8 lanes, gemm_avx512.c at 16. Each
// instantiation is its own code under its own target attribute, so the library builds for any x86-64
// and the dispatcher chooses at run time. The design is the same at every width, so what is measured
// on AVX2 carries to AVX-512:
// - a register tile is MR rows of C by NS = 2 vectors of columns, and B is packed in panels of NS;
// - A is packed, tile by tile, a block of KC of its columns at a time;
// - k is blocked by KC, and a block of B's KC rows by NS columns (a slice) stays in L1 across the
//   row tiles while the tiles ask for the next slice;
// - MC rows of A and a packed block of B (KC × NC) stay in L2.
// Each element of C is summed in the same order at every width (from C or 0, then p = 0, 1, … with
// one fused multiply-add each; a block of k ends with C stored exactly and the next reloads it), so the
// instantiations give the same bits.

#if !defined(LANES) || !defined(MR) || !defined(KERNEL)
#error "define a vector width before including gemm_kernel.h (see gemm_avx2.c)"
#endif

#include <immintrin.h>

#include "gemm_blocks.h"
#include "gemm_kernels.h"

#define INLINE static inline __attribute__((always_inline))

// Blocking, in bytes, so that it carries from one width to the other. Measured on AVX2 (Zen 2: L1d
// 32 KB, L2 512 KB) and kept at the same sizes at 16 lanes, whose processors have at least as much
// (Xeon: L1d 32-48 KB, L2 1-2 MB; Zen 4/5: L1d 32/48 KB, L2 1 MB):
// - a slice of B (KC rows of a panel) is 16 KB: it, the next slice coming in and a tile of A (6 KB at
//   AVX2, 4 KB at AVX-512) fit L1 about as well at both widths. A slice's rows lie one cache line
//   (AVX2) or two (AVX-512) apart and cover all of L1's sets. KC is 256 at AVX2, 128 at AVX-512: a
//   32-column slice of 256 rows (32 KB) and the next one would not fit even a 48 KB L1;
// - MC rows of A by KC are 144 KB, and a packed block of B (KC × NC) 256 KB: together 400 KB, most
//   of Zen 2's L2 and well inside the 1-2 MB of the others.
enum {
    NS = 2 * LANES,
    SLICE_BYTES = 16 << 10, A_BLOCK_BYTES = 144 << 10, B_BLOCK_BYTES = 256 << 10,
    KC = SLICE_BYTES / (NS * (int)sizeof(float)),
    MC = A_BLOCK_BYTES / (KC * (int)sizeof(float)),
    NC = B_BLOCK_BYTES / (KC * (int)sizeof(float)),
    // The tiles of 32 rows (a batch): the next slice is asked for over this many tiles.
    PREFETCH_TILES = (32 + MR - 1) / MR,
};
_Static_assert(NS == PANEL, "a panel of packed B is a tile's width");
_Static_assert(NR % NS == 0, "products split and packed columns are addressed by whole panels");
_Static_assert(MR <= 8, "pack_a transposes blocks of 8 rows");
_Static_assert(NC % NS == 0, "blocks of B of whole panels");

/// C[rows, NS] (+)= A[rows, kc] · S[kc, NS]. A is packed, its element (i, p) at a[p·rows + i]; S's row p
/// at b + p·ldb. `mask0`, `mask1` select the columns that exist when the slice is narrower than NS:
/// of C unless `whole_c`, and of B too unless `whole_b` (a packed panel is zero-padded, B in place is not).
INLINE TARGET void
tile(int rows, int kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate,
     int whole_b, int whole_c, lanes mask0, lanes mask1) {
    vec sum[MR][2];
    for (int i = 0; i < rows; i++) {
        if (!accumulate) {
            sum[i][0] = zero();
            sum[i][1] = zero();
        } else if (whole_c) {
            sum[i][0] = load(c + i * ldc);
            sum[i][1] = load(c + i * ldc + LANES);
        } else {
            sum[i][0] = load_first(c + i * ldc, mask0);
            sum[i][1] = load_first(c + i * ldc + LANES, mask1);
        }
    }
    for (int p = 0; p < kc; p++) {
        const float *row = b + p * ldb, *column = a + p * rows;
        vec b0 = whole_b ? load(row) : load_first(row, mask0);
        vec b1 = whole_b ? load(row + LANES) : load_first(row + LANES, mask1);
        for (int i = 0; i < rows; i++) {
            vec x = broadcast(column + i);
            sum[i][0] = fmadd(x, b0, sum[i][0]);
            sum[i][1] = fmadd(x, b1, sum[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        if (whole_c) {
            store(c + i * ldc, sum[i][0]);
            store(c + i * ldc + LANES, sum[i][1]);
        } else {
            store_first(c + i * ldc, mask0, sum[i][0]);
            store_first(c + i * ldc + LANES, mask1, sum[i][1]);
        }
    }
}

#define TILE(height, whole_b, whole_c) \
    case height: tile(height, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;
// Tiles taller than 6 rows where the width's tile has them.
#if MR >= 8
#define TALL_TILES(whole_b, whole_c) TILE(8, whole_b, whole_c) TILE(7, whole_b, whole_c)
#elif MR == 7
#define TALL_TILES(whole_b, whole_c) TILE(7, whole_b, whole_c)
#else
#define TALL_TILES(whole_b, whole_c)
#endif
#define TILE_ROWS(whole_b, whole_c)                                                                          \
    switch (rows) {                                                                                         \
    TALL_TILES(whole_b, whole_c)                                                                            \
    TILE(6, whole_b, whole_c) TILE(5, whole_b, whole_c) TILE(4, whole_b, whole_c)                           \
    TILE(3, whole_b, whole_c) TILE(2, whole_b, whole_c)                                                     \
    default: tile(1, kc, a, b, ldb, c, ldc, accumulate, whole_b, whole_c, mask0, mask1); break;            \
    }

/// `tile` with the row count and the masking constants, so each variant keeps its sums in registers
/// and a whole slice loads and stores without masks.
static TARGET void
tile_rows(int rows, int kc, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, int accumulate,
          int columns, int padded) {
    lanes mask0 = first_lanes(columns), mask1 = first_lanes(columns - LANES);
    if (columns == NS) {
        TILE_ROWS(1, 1)
    } else if (padded) {
        TILE_ROWS(1, 0)
    } else {
        TILE_ROWS(0, 0)
    }
}

/// The rows of the tile at row i of m: MR, except that a remainder of 1 to 3 rows is evened out with
/// the tile before it (8 rows go as 4 + 4 at MR = 6), as a tile of few rows has too few sums to hide
/// FMA latency.
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
        for (int o = 0; o < NS; o += 16) _mm_prefetch((const char *)(c + i * ldc + o), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + NS - 1), _MM_HINT_T0);
    }
}

/// Asks for rows `from` ..< `to` of the slice of B that comes next while this one computes, each row
/// NS floats: of the packed panel, one after another, or of B in place, `ldb` apart. A slice of a large
/// B (the recurrent weights at H = 1024 are 16 MB) comes from L3 or memory; asked for a tile ahead, it
/// is there when the next slice starts.
static inline void prefetch_slice(const float *slice, ptrdiff_t ldb, int from, int to) {
    for (int p = from; p < to; p++)
        for (int o = 0; o < NS; o += 16) _mm_prefetch((const char *)(slice + p * ldb + o), _MM_HINT_T0);
}

// Packing A takes 8 rows or columns at a time on 8-lane vectors at both widths (a tile has at most 8
// rows): the same instructions, encoded for each target.

/// The mask of an 8-lane vector's first `count` lanes (all of them from 8 up, none at 0 or below).
INLINE TARGET __m256i first_8_lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Transposes the 8 × 8 block in r (row i in r[i]): afterwards r[j] holds column j.
INLINE TARGET void transpose8(__m256 r[8]) {
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
INLINE TARGET void store_column(float *out, int p, int kc, int rows, __m256i mask, __m256 column) {
    if (p * rows + 8 <= kc * rows) _mm256_storeu_ps(out + p * rows, column);
    else _mm256_maskstore_ps(out + p * rows, mask, column);
}

/// Columns k0 ..< k0 + kc of op(A)'s m rows (element (i, p) at a[i·rs + p·cs]) into `packed`, tile by
/// tile as `multiply` takes them (in blocks of MC rows): the tile of h rows at row i at packed + i·kc,
/// its column p at packed + i·kc + p·h. The tiles then read A contiguously whatever its layout (rows
/// 4 KB apart all fall in the same sets of L1), and a block of A is packed once for all of B's columns.
static TARGET void pack_a(int m, int k0, int kc, const float *a, ptrdiff_t rs, ptrdiff_t cs, float *packed) {
    for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        if (cs == 1) {
            // op(A)'s rows are A's: 8 columns of the tile's rows at a time, read along the rows and
            // transposed in registers (rows past the tile's are zeros).
            for (int i = 0; i < mc;) {
                int rows = tile_height(mc, i);
                __m256i mask = first_8_lanes(rows);
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
                    __m256i mask = first_8_lanes(rows);
                    float *out = packed + (size_t)(i0 + i) * kc;
                    for (int p = p0; p < p1; p++)
                        store_column(out, p, kc, rows, mask, _mm256_maskload_ps(a + (i0 + i) + (k0 + p) * cs, mask));
                    i += rows;
                }
            }
        }
    }
}

/// C[m, n] (+)= A[m, kc] · B[kc, n], A packed by `pack_a`, B in panels of NS columns `panel_stride`
/// apart, rows `ldb` apart (a packed B, `padded`; or B in place, panel_stride NS). In blocks of MC rows
/// of A (which stay in L2); in a block, slices of NS columns outermost, so that a slice of B stays in
/// L1 across the row tiles, while the tiles ask for the next slice.
static TARGET void
multiply(int m, int n, int kc, const float *packed_a, const float *b, ptrdiff_t ldb, ptrdiff_t panel_stride,
         float *c, ptrdiff_t ldc, int accumulate, int padded) {
    for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        for (int j = 0; j < n; j += NS) {
            int columns = n - j < NS ? n - j : NS;
            const float *slice = b + (j / NS) * panel_stride;
            int next = j + NS < n ? j + NS : j;
            const float *next_slice = b + (next / NS) * panel_stride;
            // The next slice's rows, a share per tile of the first 32 rows.
            int fetched = 0, share = (kc + PREFETCH_TILES - 1) / PREFETCH_TILES;
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

/// C ← op(A)·B + β·C with B in panels (packed: panel_stride k·NS, rows NS apart; in place: NS and
/// ldb), blocked over k, each block of A packed once.
static TARGET void
product(int m, int n, int k, const float *a, ptrdiff_t rs, ptrdiff_t cs, const float *b, ptrdiff_t ldb,
        ptrdiff_t panel_stride, float beta, float *c, ptrdiff_t ldc, int padded) {
    float *packed_a = actlm_scratch_a((size_t)m * KC);
    for (int k0 = 0; k0 < k; k0 += KC) {
        int kc = k - k0 < KC ? k - k0 : KC;
        pack_a(m, k0, kc, a, rs, cs, packed_a);
        multiply(m, n, kc, packed_a, b + k0 * ldb, ldb, panel_stride, c, ldc, beta != 0 || k0 > 0, padded);
    }
}

TARGET void KERNEL(sgemm_packed)(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                                 const float *packed, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    product(m, n, k, a, rs, cs, packed, NS, (ptrdiff_t)k * NS, beta, c, ldc, 1);
}

TARGET void KERNEL(sgemm)(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                          const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    ptrdiff_t rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    // A few rows of A against a plain B: reading B in place costs less than copying it.
    if (!trans_b && m < 64) {
        product(m, n, k, a, rs, cs, b, ldb, NS, beta, c, ldc, 0);
        return;
    }
    // Blocks of KC rows of op(B) by NC columns packed, each once; A's block of KC columns packed once.
    float *packed_b = actlm_scratch_b((size_t)KC * NC), *packed_a = actlm_scratch_a((size_t)m * KC);
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
