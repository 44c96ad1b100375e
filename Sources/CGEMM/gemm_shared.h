#ifndef ACTLM_GEMM_SHARED_H
#define ACTLM_GEMM_SHARED_H

// What the kernels share: B's packed layout (panels of columns, zero-padded on the right), the
// blocking of products that pack B as they go, and the calling thread's packing buffer.

#include <stddef.h>

#include "actlm_gemm.h"

// NR: the columns by which products are split and packed columns addressed (ACTLM_PACKED_PANEL), a
// multiple of every kernel's panel width, and the AVX-512 kernel's panel (its tile's width).
// AVX2_PANEL: the AVX2 kernel's panel, its tile's width. MC: the rows of A the AVX2 kernel takes at a
// time (144 KB by KC). PACK_GROUP: the rows of a matrix stored across the packed layout (B to panels,
// Aᵀ to tiles) that packing reads at a time, each along its length, and keeps in L1 until every panel
// or tile has its part: walked down one panel or tile at a time, rows 4 KB apart fall in the same few
// sets of L1 and come from L2 or beyond again for each.
enum { NR = ACTLM_PACKED_PANEL, AVX2_PANEL = 16, KC = 256, NC = 256, MC = 144, PACK_GROUP = 8 };

/// Rows k0 ..< k0 + kc of op(B), its n columns from j0, into panels of `width` columns (each kc rows of
/// `width`), zero-padded on the right.
void actlm_pack_rows(int trans_b, int k0, int kc, int j0, int n, const float *b, ptrdiff_t ldb, int width,
                     float *packed);

/// The calling thread's packing buffer for a block of B, KC × NC floats, freed when the thread ends.
float *actlm_scratch(void);

/// The calling thread's packing buffer for A, at least `count` floats (it grows), freed when the thread ends.
float *actlm_scratch_a(size_t count);

/// C ← 0 when β is 0 (the empty product, k = 0); C stays when β is 1.
void actlm_empty_product(int m, int n, float beta, float *c, ptrdiff_t ldc);

// Each kernel's entry points behind `actlm_sgemm` and `actlm_sgemm_packed`.
void actlm_avx512_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                        const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);
void actlm_avx512_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                               const float *packed, float beta, float *c, ptrdiff_t ldc);
void actlm_avx2_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                      const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);
void actlm_avx2_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                             const float *packed, float beta, float *c, ptrdiff_t ldc);

#endif
