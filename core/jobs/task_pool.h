// The task pool: runs the items of long work side by side on a few threads (merge tensors,
// analysis tensors, evaluation batches, learned-merge tasks), the one place core starts threads.
#pragma once

#include "jobs/job.h"

#include <cstddef>
#include <cstdint>
#include <functional>

namespace mergelab {

// How parallelFor spreads its items.
struct ParallelOptions {
    int workers = 0; // threads, the caller included; 0: one per core. Never more than there are items.
    // Optional memory budget: item i starts only when cost(i) fits in `budget` beside the items in
    // flight, or when none is in flight (so an item larger than the budget still runs, alone).
    std::function<uint64_t(std::size_t index)> cost;
    uint64_t budget = 0;
};

// Runs fn(index, worker) for every index in [0, count): workers take indices in increasing order as
// they become free; `worker` in [0, workers) names the thread (for per-thread scratch); the caller is
// worker 0. Inside, every op stays on its worker's thread: one torch intra-op thread per worker and
// OpenBLAS at one thread while the pool runs (restored after). Cancellation is checked before each
// item (CancelledError). After the first exception no new item starts; it is rethrown on the caller
// once every worker stopped.
void parallelFor(std::size_t count, const std::function<void(std::size_t index, int worker)>& fn,
                 const CancelToken& cancel, const ParallelOptions& options = {});

// The number of threads parallelFor uses for `count` items and `workers` asked (0: one per core).
int parallelWorkers(std::size_t count, int workers);

} // namespace mergelab
