// The kernel (Sources/CGEMM/gemm_kernel.h) at the AVX-512 instantiation's width and tile, its
// 16-lane vectors each a pair of AVX2 vectors: the same loops, blocks and masks as on AVX-512, on a
// processor that has only AVX2 (tests only; see actlm_gemm_emulated.h).

#if defined(__x86_64__)

#include <immintrin.h>

#include "actlm_gemm_emulated.h"
#include "../../Sources/CGEMM/gemm_kernels.h"

#define LANES 16
#define MR 8
#define PANEL AVX512_PANEL
#define TARGET __attribute__((target("avx2,fma")))
#define KERNEL(name) actlm_emulated512_##name
#define VECTOR_OP static inline __attribute__((always_inline)) TARGET

typedef struct { __m256 low, high; } vec;
typedef struct { __m256i low, high; } lanes;

VECTOR_OP __m256i first_8_of(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
VECTOR_OP lanes first_lanes(int count) { return (lanes){first_8_of(count), first_8_of(count - 8)}; }
VECTOR_OP vec zero(void) { return (vec){_mm256_setzero_ps(), _mm256_setzero_ps()}; }
VECTOR_OP vec load(const float *p) { return (vec){_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
VECTOR_OP vec load_first(const float *p, lanes mask) {
    return (vec){_mm256_maskload_ps(p, mask.low), _mm256_maskload_ps(p + 8, mask.high)};
}
VECTOR_OP void store(float *p, vec v) {
    _mm256_storeu_ps(p, v.low);
    _mm256_storeu_ps(p + 8, v.high);
}
VECTOR_OP void store_first(float *p, lanes mask, vec v) {
    _mm256_maskstore_ps(p, mask.low, v.low);
    _mm256_maskstore_ps(p + 8, mask.high, v.high);
}
VECTOR_OP vec broadcast(const float *p) { return (vec){_mm256_broadcast_ss(p), _mm256_broadcast_ss(p)}; }
VECTOR_OP vec fmadd(vec a, vec b, vec c) {
    return (vec){_mm256_fmadd_ps(a.low, b.low, c.low), _mm256_fmadd_ps(a.high, b.high, c.high)};
}

#include "../../Sources/CGEMM/gemm_kernel.h"

#endif
