// The kernel (gemm_kernel.h) on AVX2 + FMA: 8 lanes in 16 ymm registers.

#if defined(__x86_64__)

#include <immintrin.h>

#include "gemm_kernels.h"

// MR = 6: 12 accumulators, 2 vectors of B and one broadcast of A fill 15 of the 16 registers, and 12
// independent sums cover the FMA latency of both pipes.
#define LANES 8
#define MR 6
#define PANEL AVX2_PANEL
#define TARGET __attribute__((target("avx2,fma")))
#define KERNEL(name) actlm_avx2_##name
#define VECTOR_OP static inline __attribute__((always_inline)) TARGET

typedef __m256 vec;
typedef __m256i lanes;

/// The mask of a vector's first `count` lanes (all of them from 8 up, none at 0 or below).
VECTOR_OP lanes first_lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
VECTOR_OP vec zero(void) { return _mm256_setzero_ps(); }
VECTOR_OP vec load(const float *p) { return _mm256_loadu_ps(p); }
VECTOR_OP vec load_first(const float *p, lanes mask) { return _mm256_maskload_ps(p, mask); }
VECTOR_OP void store(float *p, vec v) { _mm256_storeu_ps(p, v); }
VECTOR_OP void store_first(float *p, lanes mask, vec v) { _mm256_maskstore_ps(p, mask, v); }
VECTOR_OP vec broadcast(const float *p) { return _mm256_broadcast_ss(p); }
VECTOR_OP vec fmadd(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }

#include "gemm_kernel.h"

#endif
