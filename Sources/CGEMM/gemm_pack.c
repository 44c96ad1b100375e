#include "gemm_blocks.h"

#include <string.h>

// Panel widths the copies below unroll for: the AVX2 kernel's (16) and the AVX-512 kernel's (32).
enum { NARROW_PANEL = 16, WIDE_PANEL = 32 };

/// A row of a panel: `columns` floats, then zeros up to `width`. Whole rows copy at a constant size,
/// which the compiler turns into a few vector moves instead of a call.
static inline void copy_panel_row(float *out, const float *from, int columns, int width) {
    if (columns == width && width == NARROW_PANEL) {
        memcpy(out, from, NARROW_PANEL * sizeof(float));
    } else if (columns == width && width == WIDE_PANEL) {
        memcpy(out, from, WIDE_PANEL * sizeof(float));
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
