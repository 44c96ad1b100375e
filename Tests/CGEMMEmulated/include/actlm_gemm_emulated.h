#ifndef ACTLM_GEMM_EMULATED_H
#define ACTLM_GEMM_EMULATED_H

#include <stddef.h>

/// For tests: the kernel's AVX-512 instantiation (16 lanes: tiles of 8 rows × 32 columns, its blocking,
/// B in panels of 32) with each 16-lane vector held in two AVX2 vectors, so a processor without AVX-512
/// runs its every loop, edge and block, and checks its bits against the AVX2 kernel. Needs AVX2 + FMA;
/// one thread; k ≥ 1. `packed` is B packed by actlm_pack for ACTLM_KERNEL_AVX512.
void actlm_emulated512_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                             const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc);
void actlm_emulated512_sgemm_packed(int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                                    const float *packed, float beta, float *c, ptrdiff_t ldc);

#endif
