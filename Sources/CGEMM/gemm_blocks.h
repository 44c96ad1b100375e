#ifndef ACTLM_GEMM_BLOCKS_H
#define ACTLM_GEMM_BLOCKS_H

// What the kernels build on: B's packed layout (panels of columns, zero-padded on the right) and the
// calling thread's packing buffers. The kernels depend on this; it depends on no kernel.

#include <stddef.h>

#include "actlm_gemm.h"

// NR: the columns by which products are split and packed columns addressed (ACTLM_PACKED_PANEL), a
// multiple of every kernel's panel width. PACK_GROUP: the rows of a matrix stored across the packed
// layout (B to panels, Aᵀ to tiles) that packing reads at a time, each along its length, and keeps in
// L1 until every panel or tile has its part: walked down one panel or tile at a time, rows 4 KB apart
// fall in the same few sets of L1 and come from L2 or beyond again for each.
enum { NR = ACTLM_PACKED_PANEL, PACK_GROUP = 8 };

/// Rows k0 ..< k0 + kc of op(B), its n columns from j0, into panels of `width` columns (each kc rows of
/// `width`), zero-padded on the right.
void actlm_pack_rows(int trans_b, int k0, int kc, int j0, int n, const float *b, ptrdiff_t ldb, int width,
                     float *packed);

/// The calling thread's buffer for packed blocks of A, at least `count` floats, 64-byte aligned (it
/// grows), freed when the thread ends.
float *actlm_scratch_a(size_t count);

/// The calling thread's buffer for packed blocks of B, as `actlm_scratch_a`.
float *actlm_scratch_b(size_t count);

#endif
