// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE) are macros over globals that
// Swift cannot import; these plain functions stand in for them. Each is one MPI call on the world
// communicator and returns MPI's result code (errors are fatal there by default: the job ends).
#include <mpi.h>
#include <stdint.h>

static inline int actlm_mpi_init(void) {
    int ready = 0;
    MPI_Initialized(&ready);
    return ready ? MPI_SUCCESS : MPI_Init(NULL, NULL);
}

static inline int actlm_mpi_finalize(void) { return MPI_Finalize(); }

static inline int actlm_mpi_rank(void) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static inline int actlm_mpi_size(void) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

static inline int actlm_mpi_sum_floats(float *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

static inline int actlm_mpi_sum_doubles(double *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

static inline int actlm_mpi_max_int64s(int64_t *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
}

static inline int actlm_mpi_broadcast_bytes(void *bytes, int count, int root) {
    return MPI_Bcast(bytes, count, MPI_BYTE, root, MPI_COMM_WORLD);
}

// Every rank sends `count` bytes; `received` (root only) gets them in rank order.
static inline int actlm_mpi_gather_bytes(const void *sent, int count, void *received, int root) {
    return MPI_Gather(sent, count, MPI_BYTE, received, count, MPI_BYTE, root, MPI_COMM_WORLD);
}

static inline int actlm_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
