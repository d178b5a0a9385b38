// Process-wide runtime settings, applied once per process (both idempotent).
#pragma once

namespace mergelab {

// Once per process: LibTorch's intra-op pool uses every core (it starts with 1 on these machines).
// Scoped, per-thread counts: jobs/thread_settings.h.
void initTorchRuntime();

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
