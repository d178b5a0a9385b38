// Language-model forward speed and memory (run by bench/bench_lm.sh, not by ctest):
//   build/bench/bench_lm MODEL_DIR [--tokens 512]
// Opens the folder as CausalLm (weights stay in the file's dtype, mapped), runs one forward over
// `tokens` ids (the same ids as bench/lm_forward_baseline.py) and prints one JSON line: tokens,
// seconds, tokens_per_second, peak_rss_bytes, weight_bytes, logit_checksum.
#include "io/runtime.h"
#include "models/causal_lm.h"

#include <ATen/ATen.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

using namespace mergelab;

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_lm MODEL_DIR [--tokens N]\n");
        return 2;
    }
    int64_t tokens = 512;
    for (int i = 2; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--tokens") == 0)
            tokens = std::stoll(argv[i + 1]);
    initTorchRuntime();
    try {
        const auto model = CausalLm::open(argv[1]);
        std::vector<int64_t> ids(static_cast<size_t>(tokens));
        for (int64_t i = 0; i < tokens; ++i)
            ids[static_cast<size_t>(i)] = 1 + (7919 * i) % (model->config().vocabSize - 1);
        const at::Tensor input = at::tensor(ids, at::kLong).view({1, tokens});
        at::NoGradGuard noGrad;
        const auto start = std::chrono::steady_clock::now();
        const at::Tensor logits = model->forward(input);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::printf("{\"tokens\": %lld, \"seconds\": %.3f, \"tokens_per_second\": %.2f, \"peak_rss_bytes\": %lld, "
                    "\"weight_bytes\": %llu, \"logit_checksum\": %.6f}\n",
                    static_cast<long long>(tokens), seconds, double(tokens) / seconds,
                    static_cast<long long>(usage.ru_maxrss) * 1024,
                    static_cast<unsigned long long>(model->weightBytes()),
                    logits[0][-1].narrow(0, 0, 8).sum().item<double>());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
