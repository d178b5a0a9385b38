// Math thread counts for a scope: torch's intra-op threads of the calling thread and OpenBLAS's
// process-wide pool. Work that already runs on one thread per core (the task pool, training loops)
// keeps its ops on that thread: two pools on 2 cores otherwise spin against each other (OpenMP at
// its barriers, OpenBLAS in sched_yield) and a step was measured 7-100x slower.
#pragma once

namespace mergelab {

// Sets torch's intra-op (OpenMP) thread count of the calling thread only, and optionally holds
// OpenBLAS at one thread, for the guard's lifetime; both are restored after. Guards nest and may
// be created on any thread: the OpenBLAS part is reference-counted (the last guard restores the
// count the first one found). OpenBLAS/OpenMP controls are looked up at run time, so builds with
// another BLAS or threading backend are unaffected (then the intra-op count is torch's global one).
class ScopedThreadSettings {
public:
    static constexpr int kKeepIntraOp = 0; // leave the calling thread's intra-op count as it is

    explicit ScopedThreadSettings(int intraOpThreads = 1, bool serialBlas = false);
    ~ScopedThreadSettings();
    ScopedThreadSettings(const ScopedThreadSettings&) = delete;
    ScopedThreadSettings& operator=(const ScopedThreadSettings&) = delete;

private:
    int m_intraOpBefore = 0; // 0: not changed
    bool m_serialBlas = false;
};

// OpenBLAS's current thread count (0 when OpenBLAS is not loaded); for tests.
int openBlasThreads();

} // namespace mergelab
