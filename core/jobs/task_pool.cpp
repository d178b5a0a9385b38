#include "jobs/task_pool.h"

#include "common/error.h"
#include "jobs/thread_settings.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mergelab {

int parallelWorkers(std::size_t count, int workers)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int wanted = workers > 0 ? workers : cores;
    return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(count, static_cast<std::size_t>(wanted))));
}

void parallelFor(std::size_t count, const std::function<void(std::size_t, int)>& fn, const CancelToken& cancel,
                 const ParallelOptions& options)
{
    if (count == 0)
        return;
    const int workers = parallelWorkers(count, options.workers);
    // OpenBLAS's pool is process-wide: held at one thread while any pool runs.
    ScopedThreadSettings serialBlas(ScopedThreadSettings::kKeepIntraOp, /*serialBlas=*/true);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t next = 0;
    uint64_t inFlight = 0;
    std::exception_ptr failure;
    auto fits = [&] { return !options.cost || inFlight == 0 || inFlight + options.cost(next) <= options.budget; };
    auto work = [&](int worker) {
        ScopedThreadSettings serialOps(1); // per thread with OpenMP: set in every worker
        for (;;) {
            std::size_t index;
            uint64_t cost = 0;
            {
                std::unique_lock<std::mutex> lock(mutex);
                changed.wait(lock, [&] { return failure || cancel.cancelled() || next >= count || fits(); });
                if (failure || next >= count)
                    return;
                if (cancel.cancelled()) {
                    failure = std::make_exception_ptr(CancelledError());
                    changed.notify_all();
                    return;
                }
                index = next++;
                cost = options.cost ? options.cost(index) : 0;
                inFlight += cost;
            }
            std::exception_ptr error;
            try {
                fn(index, worker);
            } catch (...) {
                error = std::current_exception(); // never lets an exception reach the thread's top
            }
            {
                std::lock_guard<std::mutex> lock(mutex);
                inFlight -= cost;
                if (error && !failure)
                    failure = error;
            }
            changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w)
        threads.emplace_back(work, w);
    work(0);
    for (std::thread& t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace mergelab
