#include "actlm_gemm.h"

// Twelve independent chains of fused multiply-adds, as many as the AVX2 register tile keeps: enough to
// cover the FMA latency on every pipe, so the loop runs at the vector unit's peak and nothing else. In
// assembly: from C, clang proved one chain in twelve needless and dropped it, so the count was wrong.

#if defined(__x86_64__)

#define ROUND(reg) \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "0\n\t"  "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "1\n\t" \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "2\n\t"  "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "3\n\t" \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "4\n\t"  "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "5\n\t" \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "6\n\t"  "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "7\n\t" \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "8\n\t"  "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "9\n\t" \
    "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "10\n\t" "vfmadd231ps %%" reg "12, %%" reg "13, %%" reg "11\n\t"

// Zeroed registers (`xor` is vpxor for ymm, vpxord for zmm): the chains stay at zero, never subnormal,
// however long they run.
#define ZERO(xor, reg) \
    xor " %%" reg "0, %%" reg "0, %%" reg "0\n\t"    xor " %%" reg "1, %%" reg "1, %%" reg "1\n\t" \
    xor " %%" reg "2, %%" reg "2, %%" reg "2\n\t"    xor " %%" reg "3, %%" reg "3, %%" reg "3\n\t" \
    xor " %%" reg "4, %%" reg "4, %%" reg "4\n\t"    xor " %%" reg "5, %%" reg "5, %%" reg "5\n\t" \
    xor " %%" reg "6, %%" reg "6, %%" reg "6\n\t"    xor " %%" reg "7, %%" reg "7, %%" reg "7\n\t" \
    xor " %%" reg "8, %%" reg "8, %%" reg "8\n\t"    xor " %%" reg "9, %%" reg "9, %%" reg "9\n\t" \
    xor " %%" reg "10, %%" reg "10, %%" reg "10\n\t" xor " %%" reg "11, %%" reg "11, %%" reg "11\n\t" \
    xor " %%" reg "12, %%" reg "12, %%" reg "12\n\t" xor " %%" reg "13, %%" reg "13, %%" reg "13\n\t"

#define CHAINS(xor, reg, rounds)                                                                      \
    __asm__ volatile(ZERO(xor, reg) "1:\n\t" ROUND(reg) "dec %0\n\t" "jnz 1b\n\t"                          \
                     : "+r"(rounds)                                                                           \
                     :                                                                                        \
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
                       "xmm11", "xmm12", "xmm13", "cc")

__attribute__((target("avx2,fma")))
static void avx2_chains(long rounds) {
    CHAINS("vpxor", "ymm", rounds);
    __asm__ volatile("vzeroupper" ::: "memory");
}

__attribute__((target("avx512f")))
static void avx512_chains(long rounds) {
    CHAINS("vpxord", "zmm", rounds);
    __asm__ volatile("vzeroupper" ::: "memory");
}

double actlm_fma_peak_work(actlm_kernel kernel, long rounds) {
    if (rounds < 1) return 0;
    switch (kernel) {
    case ACTLM_KERNEL_AVX512: avx512_chains(rounds); return 2.0 * 16 * 12 * (double)rounds;
    case ACTLM_KERNEL_AVX2: avx2_chains(rounds); return 2.0 * 8 * 12 * (double)rounds;
    }
    return 0;
}

#else

double actlm_fma_peak_work(actlm_kernel kernel, long rounds) { (void)kernel; (void)rounds; return 0; }

#endif
