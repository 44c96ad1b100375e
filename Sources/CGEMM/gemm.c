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

// Products below this many FLOPs run on the calling thread: waking a worker costs more than it saves.
static const double SPLIT_FLOPS = 1 << 23;

/// One product, whole or split by columns of C into parts of whole panels; each column's sums are the
/// same either way.
struct product {
    actlm_kernel kernel;
    int trans_a, trans_b, m, n, k;
    const float *a, *b;
    ptrdiff_t lda, ldb;
    int packed;  // b was packed by actlm_pack
    float beta;
    float *c;
    ptrdiff_t ldc;
};

static void multiply_part(void *job, int part, int parts) {
    const struct product *p = job;
    int panels = (p->n + NR - 1) / NR;
    int first = panels * part / parts * NR, last = panels * (part + 1) / parts * NR;
    if (last > p->n) last = p->n;
    if (first >= last) return;
    int n = last - first;
    float *c = p->c + first;
    if (p->packed) {
        const float *b = p->b + (ptrdiff_t)first * p->k;
        if (p->kernel == ACTLM_KERNEL_AVX2) actlm_avx2_sgemm_packed(p->trans_a, p->m, n, p->k, p->a, p->lda, b, p->beta, c, p->ldc);
        else actlm_avx512_sgemm_packed(p->trans_a, p->m, n, p->k, p->a, p->lda, b, p->beta, c, p->ldc);
    } else {
        const float *b = p->b + (p->trans_b ? first * p->ldb : first);
        if (p->kernel == ACTLM_KERNEL_AVX2)
            actlm_avx2_sgemm(p->trans_a, p->trans_b, p->m, n, p->k, p->a, p->lda, b, p->ldb, p->beta, c, p->ldc);
        else actlm_avx512_sgemm(p->trans_a, p->trans_b, p->m, n, p->k, p->a, p->lda, b, p->ldb, p->beta, c, p->ldc);
    }
}

static void run(struct product *p, int threads) {
    int panels = (p->n + NR - 1) / NR;
    if (threads > panels) threads = panels;
    if (threads > 1 && 2.0 * p->m * p->n * p->k >= SPLIT_FLOPS && actlm_parallel(threads, multiply_part, p)) return;
    multiply_part(p, 0, 1);
}

void actlm_sgemm(actlm_kernel kernel, int threads, int trans_a, int trans_b, int m, int n, int k, const float *a,
                 ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    struct product p = {kernel, trans_a, trans_b, m, n, k, a, b, lda, ldb, 0, beta, c, ldc};
    run(&p, threads);
}

void actlm_sgemm_packed(actlm_kernel kernel, int threads, int trans_a, int m, int n, int k, const float *a,
                        ptrdiff_t lda, const float *packed, float beta, float *c, ptrdiff_t ldc) {
    struct product p = {kernel, trans_a, 0, m, n, k, a, packed, lda, 0, 1, beta, c, ldc};
    run(&p, threads);
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
void actlm_sgemm(actlm_kernel kernel, int threads, int trans_a, int trans_b, int m, int n, int k, const float *a,
                 ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) { abort(); }
void actlm_sgemm_packed(actlm_kernel kernel, int threads, int trans_a, int m, int n, int k, const float *a,
                        ptrdiff_t lda, const float *packed, float beta, float *c, ptrdiff_t ldc) { abort(); }
float *actlm_scratch(void) { abort(); }
float *actlm_scratch_a(size_t count) { abort(); }

#endif

size_t actlm_packed_count(int k, int n) { return (size_t)((n + NR - 1) / NR) * NR * (size_t)k; }

int actlm_panel_width(actlm_kernel kernel) { return kernel == ACTLM_KERNEL_AVX2 ? AVX2_PANEL : NR; }

/// A row of a panel: `columns` floats, then zeros up to `width`. Whole rows copy at a constant size,
/// which the compiler turns into a few vector moves instead of a call.
static inline void copy_panel_row(float *out, const float *from, int columns, int width) {
    if (columns == width && width == AVX2_PANEL) {
        memcpy(out, from, AVX2_PANEL * sizeof(float));
    } else if (columns == width && width == NR) {
        memcpy(out, from, NR * sizeof(float));
    } else {
        memcpy(out, from, (size_t)columns * sizeof(float));
        memset(out + columns, 0, (size_t)(width - columns) * sizeof(float));
    }
}

void actlm_pack_rows(int trans_b, int k0, int kc, int j0, int n, const float *b, ptrdiff_t ldb, int width,
                     float *packed) {
    if (trans_b) {
        for (int j = 0, panel = 0; j < n; j += width, panel++) {
            int columns = n - j < width ? n - j : width;
            float *out = packed + (size_t)panel * kc * width;
            // op(B)'s column j is B's row j: read along it, write down the panel.
            for (int q = 0; q < columns; q++) {
                const float *from = b + (ptrdiff_t)(j0 + j + q) * ldb + k0;
                for (int p = 0; p < kc; p++) out[p * width + q] = from[p];
            }
            for (int q = columns; q < width; q++)
                for (int p = 0; p < kc; p++) out[p * width + q] = 0;
        }
        return;
    }
    // PACK_GROUP of B's rows at a time, into every panel.
    for (int p0 = 0; p0 < kc; p0 += PACK_GROUP) {
        int p1 = kc - p0 < PACK_GROUP ? kc : p0 + PACK_GROUP;
        for (int j = 0, panel = 0; j < n; j += width, panel++) {
            int columns = n - j < width ? n - j : width;
            float *out = packed + (size_t)panel * kc * width;
            const float *from = b + (ptrdiff_t)k0 * ldb + j0 + j;
            for (int p = p0; p < p1; p++) copy_panel_row(out + p * width, from + p * ldb, columns, width);
        }
    }
}

void actlm_pack(actlm_kernel kernel, int trans_b, int k, int n, const float *b, ptrdiff_t ldb, float *packed) {
    actlm_pack_rows(trans_b, 0, k, 0, n, b, ldb, actlm_panel_width(kernel), packed);
}

void actlm_empty_product(int m, int n, float beta, float *c, ptrdiff_t ldc) {
    if (beta == 0) for (int i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
}
