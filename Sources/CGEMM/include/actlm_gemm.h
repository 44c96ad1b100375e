#ifndef ACTLM_GEMM_H
#define ACTLM_GEMM_H

#include <stddef.h>

/// Single-precision matrix products of the project's own, for the processors where OpenBLAS runs
/// narrower kernels than the processor has (AVX-512) or repacks the weights on every small product
/// (AVX2). Row-major throughout; α is always 1. op(A) is m × k (Aᵀ stored k × m when trans_a), op(B)
/// is k × n. Both kernels are one source (gemm_kernel.h) compiled at two vector widths, and sum each
/// element of C in the same order (from C or 0, then p = 0, 1, … with one fused multiply-add each), so
/// they give the same bits, whatever m and however the rows are tiled.

typedef enum {
    ACTLM_KERNEL_AVX512 = 0,  // AVX-512F: tiles of 8 rows × 32 columns
    ACTLM_KERNEL_AVX2 = 1,    // AVX2 + FMA: tiles of 6 rows × 16 columns
} actlm_kernel;

/// Whether this processor (and its operating system) can run `kernel`; when it cannot, no product may
/// be asked of it.
int actlm_kernel_available(actlm_kernel kernel);

/// C ← op(A)·op(B) + β·C, β 0 or 1. Packs blocks of B into a scratch buffer of the thread when that
/// pays (Bᵀ, or many rows of A). On up to `threads` threads (the caller's and a pool's that lives for
/// the process) when the product is large enough: split by columns of C, it gives the same bits as on
/// one thread. One product is split at a time; another caller meanwhile runs its product alone.
void actlm_sgemm(actlm_kernel kernel, int threads, int trans_a, int trans_b, int m, int n, int k,
                 const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                 float beta, float *c, ptrdiff_t ldc);

/// Columns by which a packed op(B) is addressed: a product may take the columns of a packed B from any
/// multiple of it, columns j0 ..< n starting `j0 · k` floats in.
#define ACTLM_PACKED_PANEL 32

/// Floats needed to hold op(B) (k × n) packed for either kernel: n rounded up to a multiple of 32, by k.
size_t actlm_packed_count(int k, int n);

/// Columns per panel of B packed for `kernel`: 32 for AVX-512 (a tile's width), 16 for AVX2 (its tile's
/// width, so that a panel's rows lie one cache line apart). A panel is k rows of that many columns.
int actlm_panel_width(actlm_kernel kernel);

/// Packs op(B) for `kernel`'s products with the same B (weights, fixed through a window).
void actlm_pack(actlm_kernel kernel, int trans_b, int k, int n, const float *b, ptrdiff_t ldb, float *packed);

/// C ← op(A)·B + β·C with B packed by `actlm_pack`, on up to `threads` threads as `actlm_sgemm`.
void actlm_sgemm_packed(actlm_kernel kernel, int threads, int trans_a, int m, int n, int k, const float *a,
                        ptrdiff_t lda, const float *packed, float beta, float *c, ptrdiff_t ldc);

/// Runs run(job, part, parts) for part = 0 ..< parts, part 0 on the calling thread and the others on a pool
/// of threads that lives for the process; returns when all are done. Returns 0 without running anything
/// when the pool is busy with another caller's job (or no thread could be started): the caller then runs
/// the whole job itself. Products on any engine are split across threads through it.
int actlm_parallel(int parts, void (*run)(void *job, int part, int parts), void *job);

/// The processor's vector FMA peak, to set products against: `rounds` rounds of 12 independent fused
/// multiply-adds on `kernel`'s vectors, on the calling thread. Returns the floating-point operations
/// done (2 per lane of each FMA); divided by the time taken, the peak rate of one core.
double actlm_fma_peak_work(actlm_kernel kernel, long rounds);

#endif
