#pragma once

namespace mergelab {

// Once per process: LibTorch's intra-op pool uses every core (it starts with 1 on these machines).
void initTorchRuntime();

// Sets torch's intra-op thread count for a scope and restores it after. Training loops use 1:
// bit-for-bit deterministic for a seed, and free of the OpenMP spin-waits that make 2 threads
// slower than 1 on a busy 2-core machine.
class ScopedTorchThreads {
public:
    explicit ScopedTorchThreads(int threads = 1);
    ~ScopedTorchThreads();
    ScopedTorchThreads(const ScopedTorchThreads&) = delete;
    ScopedTorchThreads& operator=(const ScopedTorchThreads&) = delete;

private:
    int m_before;
};

} // namespace mergelab
