#ifndef ACTLM_GEMM_H
#define ACTLM_GEMM_H

#include <stddef.h>

/// Single-precision matrix products on AVX-512, for the processors where OpenBLAS runs narrower kernels
/// (this project's machines pin it to its AVX2 ones). Row-major throughout; α is always 1.
/// op(A) is m × k (Aᵀ stored k × m when trans_a), op(B) is k × n.

/// Whether this processor has AVX-512F; when it does not, nothing else here may be called.
int actlm_gemm_available(void);

/// C ← op(A)·op(B) + β·C, β 0 or 1. Single-threaded; packs blocks of B into a scratch buffer of
/// the calling thread when that pays (Bᵀ, or many rows of A).
void actlm_sgemm(int trans_a, int trans_b, int m, int n, int k,
                 const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                 float beta, float *c, ptrdiff_t ldc);

/// Floats needed to hold op(B) (k × n) packed: panels of 32 columns, each k rows of 32.
size_t actlm_packed_count(int k, int n);

/// Packs op(B) for many products with the same B (weights, fixed through a window).
void actlm_pack(int trans_b, int k, int n, const float *b, ptrdiff_t ldb, float *packed);

/// C ← op(A)·B + β·C with B packed by `actlm_pack`.
void actlm_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                        const float *packed, float beta, float *c, ptrdiff_t ldc);

#endif
