#include "io/runtime.h"

#include <ATen/Parallel.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <mutex>
#include <thread>

namespace mergelab {

void initTorchRuntime()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const unsigned cores = std::thread::hardware_concurrency();
        at::set_num_threads(cores > 0 ? static_cast<int>(cores) : 1);
    });
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
