#include "actlm_gemm.h"
#include "gemm_shared.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)

#include <pthread.h>

int actlm_kernel_available(actlm_kernel kernel) {
    __builtin_cpu_init();
    switch (kernel) {
    case ACTLM_KERNEL_AVX512: return __builtin_cpu_supports("avx512f");
    case ACTLM_KERNEL_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return 0;
}

void actlm_sgemm(actlm_kernel kernel, int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    if (kernel == ACTLM_KERNEL_AVX2) actlm_avx2_sgemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
    else actlm_avx512_sgemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void actlm_sgemm_packed(actlm_kernel kernel, int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                        const float *packed, float beta, float *c, ptrdiff_t ldc) {
    if (kernel == ACTLM_KERNEL_AVX2) actlm_avx2_sgemm_packed(trans_a, m, n, k, a, lda, packed, beta, c, ldc);
    else actlm_avx512_sgemm_packed(trans_a, m, n, k, a, lda, packed, beta, c, ldc);
}

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void make_scratch_key(void) { pthread_key_create(&scratch_key, free); }

float *actlm_scratch(void) {
    pthread_once(&scratch_once, make_scratch_key);
    float *buffer = pthread_getspecific(scratch_key);
    if (!buffer) {
        buffer = aligned_alloc(64, (size_t)KC * NC * sizeof(float));
        if (!buffer) abort();
        pthread_setspecific(scratch_key, buffer);
    }
    return buffer;
}

struct growing_buffer {
    size_t count;
    float *floats;
};

static pthread_key_t scratch_a_key;
static pthread_once_t scratch_a_once = PTHREAD_ONCE_INIT;
static void free_growing(void *buffer) {
    free(((struct growing_buffer *)buffer)->floats);
    free(buffer);
}
static void make_scratch_a_key(void) { pthread_key_create(&scratch_a_key, free_growing); }

float *actlm_scratch_a(size_t count) {
    pthread_once(&scratch_a_once, make_scratch_a_key);
    struct growing_buffer *buffer = pthread_getspecific(scratch_a_key);
    if (!buffer) {
        buffer = calloc(1, sizeof *buffer);
        if (!buffer) abort();
        pthread_setspecific(scratch_a_key, buffer);
    }
    if (buffer->count < count) {
        free(buffer->floats);
        size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
        buffer->floats = aligned_alloc(64, bytes);
        if (!buffer->floats) abort();
        buffer->count = count;
    }
    return buffer->floats;
}

#else  // No x86-64 kernels elsewhere: `actlm_kernel_available` says so, and no product is ever asked for.

int actlm_kernel_available(actlm_kernel kernel) { return 0; }
void actlm_sgemm(actlm_kernel kernel, int trans_a, int trans_b, int m, int n, int k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) { abort(); }
void actlm_sgemm_packed(actlm_kernel kernel, int trans_a, int m, int n, int k, const float *a, ptrdiff_t lda,
                        const float *packed, float beta, float *c, ptrdiff_t ldc) { abort(); }
float *actlm_scratch(void) { abort(); }
float *actlm_scratch_a(size_t count) { abort(); }

#endif

size_t actlm_packed_count(int k, int n) { return (size_t)((n + NR - 1) / NR) * NR * (size_t)k; }

void actlm_pack_rows(int trans_b, int k0, int kc, int j0, int n, const float *b, ptrdiff_t ldb, float *packed) {
    for (int j = 0, panel = 0; j < n; j += NR, panel++) {
        int columns = n - j < NR ? n - j : NR;
        float *out = packed + (size_t)panel * kc * NR;
        if (trans_b) {
            // op(B)'s column j is B's row j: read along it, write down the panel.
            for (int q = 0; q < columns; q++) {
                const float *from = b + (ptrdiff_t)(j0 + j + q) * ldb + k0;
                for (int p = 0; p < kc; p++) out[p * NR + q] = from[p];
            }
            for (int q = columns; q < NR; q++)
                for (int p = 0; p < kc; p++) out[p * NR + q] = 0;
        } else {
            for (int p = 0; p < kc; p++, out += NR) {
                memcpy(out, b + (ptrdiff_t)(k0 + p) * ldb + j0 + j, (size_t)columns * sizeof(float));
                for (int q = columns; q < NR; q++) out[q] = 0;
            }
        }
    }
}

void actlm_pack(int trans_b, int k, int n, const float *b, ptrdiff_t ldb, float *packed) {
    actlm_pack_rows(trans_b, 0, k, 0, n, b, ldb, packed);
}

void actlm_empty_product(int m, int n, float beta, float *c, ptrdiff_t ldc) {
    if (beta == 0) for (int i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
}
