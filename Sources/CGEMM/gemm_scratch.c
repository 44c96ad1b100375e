#include "gemm_blocks.h"

#include <pthread.h>
#include <stdlib.h>

// Each thread's packing buffers, one for A's blocks and one for B's, kept for the thread's life so a
// product allocates nothing; freed by the thread's key destructor.

struct growing_buffer {
    size_t count;
    float *floats;
};

static pthread_key_t keys[2];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void free_growing(void *buffer) {
    free(((struct growing_buffer *)buffer)->floats);
    free(buffer);
}

static void make_keys(void) {
    for (int i = 0; i < 2; i++) pthread_key_create(&keys[i], free_growing);
}

static float *scratch(int which, size_t count) {
    pthread_once(&keys_once, make_keys);
    struct growing_buffer *buffer = pthread_getspecific(keys[which]);
    if (!buffer) {
        buffer = calloc(1, sizeof *buffer);
        if (!buffer) abort();
        pthread_setspecific(keys[which], buffer);
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

float *actlm_scratch_a(size_t count) { return scratch(0, count); }

float *actlm_scratch_b(size_t count) { return scratch(1, count); }
