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

} // namespace mergelab
