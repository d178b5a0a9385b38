// Finds the OpenBLAS and OpenMP thread controls at run time (both come in through LibTorch), so
// builds with another BLAS or threading backend link and run unchanged.
#include "eval/math_threads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <mutex>

namespace mergelab {

namespace {

struct ThreadControls {
    int (*blasGet)() = nullptr;
    void (*blasSet)(int) = nullptr;
    int (*ompGet)() = nullptr;
    void (*ompSet)(int) = nullptr;
    ThreadControls()
    {
        blasGet = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        blasSet = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
        if (!blasGet || !blasSet)
            blasGet = nullptr, blasSet = nullptr;
        ompGet = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
        ompSet = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
        if (!ompGet || !ompSet)
            ompGet = nullptr, ompSet = nullptr;
    }
};

const ThreadControls& controls()
{
    static const ThreadControls c;
    return c;
}

std::mutex g_blasMutex;
int g_blasGuards = 0;
int g_blasSaved = 0;

} // namespace

SingleThreadedBlas::SingleThreadedBlas()
{
    if (!controls().blasSet)
        return;
    std::lock_guard<std::mutex> lock(g_blasMutex);
    if (g_blasGuards++ == 0) {
        g_blasSaved = controls().blasGet();
        if (g_blasSaved != 1)
            controls().blasSet(1);
    }
}

SingleThreadedBlas::~SingleThreadedBlas()
{
    if (!controls().blasSet)
        return;
    std::lock_guard<std::mutex> lock(g_blasMutex);
    if (--g_blasGuards == 0 && g_blasSaved > 1)
        controls().blasSet(g_blasSaved);
}

SerialOpsOnThisThread::SerialOpsOnThisThread()
{
    // First use on a thread makes torch set this thread's OpenMP count from its global setting;
    // do that now, so it cannot overwrite ours later.
    m_before = at::get_num_threads();
    if (controls().ompSet)
        controls().ompSet(1);
}

SerialOpsOnThisThread::~SerialOpsOnThisThread()
{
    if (controls().ompSet && m_before > 0)
        controls().ompSet(m_before);
}

int openBlasThreads()
{
    return controls().blasGet ? controls().blasGet() : 0;
}

bool keepFreedHeapForReuse()
{
#if defined(__GLIBC__)
    static const bool applied = [] {
        // Setting either disables glibc's dynamic thresholds, so both are set.
        const bool mmapSet = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
        const bool trimSet = mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024) == 1;
        return mmapSet && trimSet;
    }();
    return applied;
#else
    return false;
#endif
}

} // namespace mergelab
