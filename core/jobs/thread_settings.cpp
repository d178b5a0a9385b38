// Finds the OpenBLAS and OpenMP thread controls at run time (both come in through LibTorch), so
// builds with another BLAS or threading backend link and run unchanged.
#include "jobs/thread_settings.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <mutex>

namespace mergelab {

namespace {

struct ThreadControls {
    int (*blasGet)() = nullptr;
    void (*blasSet)(int) = nullptr;
    void (*ompSet)(int) = nullptr;
    ThreadControls()
    {
        blasGet = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        blasSet = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
        if (!blasGet || !blasSet)
            blasGet = nullptr, blasSet = nullptr;
        ompSet = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    }
};

const ThreadControls& controls()
{
    static const ThreadControls c;
    return c;
}

// OpenMP's count is per thread (what torch's parallel regions use); without OpenMP, torch's own.
void setIntraOpThreads(int threads)
{
    if (controls().ompSet)
        controls().ompSet(threads);
    else
        at::set_num_threads(threads);
}

std::mutex g_blasMutex;
int g_blasGuards = 0;
int g_blasSaved = 0;

} // namespace

ScopedThreadSettings::ScopedThreadSettings(int intraOpThreads, bool serialBlas)
{
    if (intraOpThreads > 0) {
        // First use on a thread makes torch set this thread's OpenMP count from its global setting;
        // this call does that now, so it cannot overwrite ours later.
        const int before = at::get_num_threads();
        if (before != intraOpThreads) {
            m_intraOpBefore = before;
            setIntraOpThreads(intraOpThreads);
        }
    }
    if (serialBlas && controls().blasSet) {
        m_serialBlas = true;
        std::lock_guard<std::mutex> lock(g_blasMutex);
        if (g_blasGuards++ == 0) {
            g_blasSaved = controls().blasGet();
            if (g_blasSaved != 1)
                controls().blasSet(1);
        }
    }
}

ScopedThreadSettings::~ScopedThreadSettings()
{
    if (m_serialBlas) {
        std::lock_guard<std::mutex> lock(g_blasMutex);
        if (--g_blasGuards == 0 && g_blasSaved > 1)
            controls().blasSet(g_blasSaved);
    }
    if (m_intraOpBefore > 0)
        setIntraOpThreads(m_intraOpBefore);
}

int openBlasThreads()
{
    return controls().blasGet ? controls().blasGet() : 0;
}

} // namespace mergelab
