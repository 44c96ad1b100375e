// The kernel (gemm_kernel.h) on AVX-512F: 16 lanes in 32 zmm registers. Built on every x86-64; the
// dispatcher runs it only where the processor has AVX-512.

#if defined(__x86_64__)

#include <immintrin.h>

#include "gemm_kernels.h"

// MR = 8: 16 accumulators, half the registers, twice the independent sums it takes to cover the FMA
// latency of two pipes; and a batch of 32 rows (training's products) is 4 whole tiles, where 12 or 14
// rows (which the registers would hold) leave tiles of 4 at its end. Packing A transposes 8 rows at most.
#define LANES 16
#define MR 8
#define PANEL AVX512_PANEL
#define TARGET __attribute__((target("avx512f")))
#define KERNEL(name) actlm_avx512_##name
#define VECTOR_OP static inline __attribute__((always_inline)) TARGET

typedef __m512 vec;
typedef __mmask16 lanes;

/// The mask of a vector's first `count` lanes (all of them from 16 up, none at 0 or below).
VECTOR_OP lanes first_lanes(int count) {
    return count >= 16 ? (lanes)0xFFFF : count <= 0 ? (lanes)0 : (lanes)((1u << count) - 1);
}
VECTOR_OP vec zero(void) { return _mm512_setzero_ps(); }
VECTOR_OP vec load(const float *p) { return _mm512_loadu_ps(p); }
VECTOR_OP vec load_first(const float *p, lanes mask) { return _mm512_maskz_loadu_ps(mask, p); }
VECTOR_OP void store(float *p, vec v) { _mm512_storeu_ps(p, v); }
VECTOR_OP void store_first(float *p, lanes mask, vec v) { _mm512_mask_storeu_ps(p, mask, v); }
VECTOR_OP vec broadcast(const float *p) { return _mm512_set1_ps(*p); }
VECTOR_OP vec fmadd(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }

#include "gemm_kernel.h"

#endif
