#ifndef ACTLM_GEMM_KERNELS_H
#define ACTLM_GEMM_KERNELS_H

// The kernels behind `actlm_sgemm` and `actlm_sgemm_packed`: gemm_kernel.h compiled at each vector
// width. Only the dispatcher (gemm.c) calls them, with k ≥ 1.

#include <stddef.h>

// Each kernel's panel of packed B: its register tile's width, two vectors.
enum { AVX2_PANEL = 16, AVX512_PANEL = 32 };

void actlm_avx512_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                        const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);
void actlm_avx512_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                               const float *packed, float beta, float *c, ptrdiff_t ldc);
void actlm_avx2_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                      const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);
void actlm_avx2_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                             const float *packed, float beta, float *c, ptrdiff_t ldc);

#endif
