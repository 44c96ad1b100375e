#include "actlm_gemm.h"
#include "gemm_blocks.h"
#include "gemm_kernels.h"

#include <stdlib.h>
#include <string.h>

// The dispatcher: chooses the kernel, splits a product by columns across the pool, packs B for the
// caller. It depends on the kernels and the packing; neither depends on it.

#if defined(__x86_64__)

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
    // The empty product (k = 0): C ← 0 when β is 0; C stays when β is 1.
    if (p->k == 0) {
        if (p->beta == 0) for (int i = 0; i < p->m; i++) memset(p->c + i * p->ldc, 0, (size_t)p->n * sizeof(float));
        return;
    }
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

#else  // No x86-64 kernels elsewhere: `actlm_kernel_available` says so, and no product is ever asked for.

int actlm_kernel_available(actlm_kernel kernel) { return 0; }
void actlm_sgemm(actlm_kernel kernel, int threads, int trans_a, int trans_b, int m, int n, int k, const float *a,
                 ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) { abort(); }
void actlm_sgemm_packed(actlm_kernel kernel, int threads, int trans_a, int m, int n, int k, const float *a,
                        ptrdiff_t lda, const float *packed, float beta, float *c, ptrdiff_t ldc) { abort(); }

#endif

size_t actlm_packed_count(int k, int n) { return (size_t)((n + NR - 1) / NR) * NR * (size_t)k; }

int actlm_panel_width(actlm_kernel kernel) { return kernel == ACTLM_KERNEL_AVX2 ? AVX2_PANEL : AVX512_PANEL; }

void actlm_pack(actlm_kernel kernel, int trans_b, int k, int n, const float *b, ptrdiff_t ldb, float *packed) {
    actlm_pack_rows(trans_b, 0, k, 0, n, b, ldb, actlm_panel_width(kernel), packed);
}
