#include "io/runtime.h"

#include <ATen/Parallel.h>

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

ScopedTorchThreads::ScopedTorchThreads(int threads) : m_before(at::get_num_threads())
{
    at::set_num_threads(threads);
}

ScopedTorchThreads::~ScopedTorchThreads() { at::set_num_threads(m_before); }

} // namespace mergelab
