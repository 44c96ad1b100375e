#include "actlm_gemm.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

// A pool of worker threads that lives for the process, for products split by columns of C. One
// product at a time: a caller that finds the pool busy (another thread splitting its own product)
// runs its whole product itself.

enum { MAX_THREADS = 64 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, finished = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t in_use = PTHREAD_MUTEX_INITIALIZER;
static int workers;             // started so far
static unsigned long round_;    // which task the workers are on
static int parts_, pending;
static void (*task)(void *, int, int);
static void *task_job;

static void *work(void *argument) {
    int part = (int)(ptrdiff_t)argument;
    unsigned long seen = 0;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (round_ == seen) pthread_cond_wait(&wake, &lock);
        seen = round_;
        if (part >= parts_) continue;  // a task with fewer parts than workers
        void (*run)(void *, int, int) = task;
        void *job = task_job;
        int parts = parts_;
        pthread_mutex_unlock(&lock);
        run(job, part, parts);
        pthread_mutex_lock(&lock);
        if (--pending == 0) pthread_cond_signal(&finished);
    }
    return NULL;
}

int actlm_parallel(int parts, void (*run)(void *job, int part, int parts), void *job) {
    if (parts > MAX_THREADS) parts = MAX_THREADS;
    if (parts < 2 || pthread_mutex_trylock(&in_use) != 0) return 0;
    pthread_mutex_lock(&lock);
    for (; workers < parts - 1; workers++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, work, (void *)(ptrdiff_t)(workers + 1));
        pthread_attr_destroy(&attributes);
        if (failed) break;
    }
    if (workers < parts - 1) parts = workers + 1;
    if (parts < 2) {
        pthread_mutex_unlock(&lock);
        pthread_mutex_unlock(&in_use);
        return 0;
    }
    task = run;
    task_job = job;
    parts_ = parts;
    pending = parts - 1;
    round_++;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    run(job, 0, parts);
    pthread_mutex_lock(&lock);
    while (pending > 0) pthread_cond_wait(&finished, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&in_use);
    return 1;
}
