// Thread controls for evaluation, which runs whole batches on its own threads (one per core): the
// ops inside a batch must then stay on the thread that runs it. Two pools on two cores otherwise
// spin against each other: OpenBLAS's threads in sched_yield and OpenMP's at their barriers (more
// than half the CPU time went there before these guards).
#pragma once

namespace mergelab {

// While at least one guard lives, OpenBLAS (Debian's BLAS behind LibTorch; its thread count is
// process-wide) uses one thread; the last guard restores the count it found. A no-op when the BLAS
// in use is not OpenBLAS. Guards may be created on any thread.
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

// Torch's intra-op parallelism off for the calling thread only (its OpenMP thread count, which is
// per thread), restored on destruction; other threads and at::get_num_threads() elsewhere unchanged.
class SerialOpsOnThisThread {
public:
    SerialOpsOnThisThread();
    ~SerialOpsOnThisThread();
    SerialOpsOnThisThread(const SerialOpsOnThisThread&) = delete;
    SerialOpsOnThisThread& operator=(const SerialOpsOnThisThread&) = delete;

private:
    int m_before = 0;
};

// OpenBLAS's current thread count (0 when OpenBLAS is not loaded); for tests.
int openBlasThreads();

// Keeps freed heap memory in the process for reuse (glibc; a no-op elsewhere), set once per
// process, idempotent. An evaluation allocates and frees the same few MB of activations for every
// batch; with glibc's default (dynamic) thresholds those blocks went back to the kernel after each
// op and were faulted in again, zero-filled, on the next one: half the CPU time of a live-tuning
// evaluation was page faults. Blocks up to 32 MB (glibc's own upper bound for its dynamic mmap
// threshold) come from the heap and up to 64 MB of free heap top stays mapped; larger blocks
// (checkpoint tensors) are still mapped and unmapped on their own. Returns whether the settings
// were applied.
bool keepFreedHeapForReuse();

} // namespace mergelab
