// Evaluation benchmarks on a built demo set (run by hand, not by ctest):
//   build/bench/bench_eval [PROJECT] [--runs N] [--tuning-only] [--case TEXT]
//   (--tuning-only skips the throughput part; --case runs the live-tuning cases whose label
//   contains TEXT, after the baseline)
//   (default project ~/.local/share/mergelab/demo-r2/demo.mergelab.json, what scripts/mergelab.sh run builds)
// 1. Throughput: images/s over the full val split (both cores), and single-threaded.
// 2. Live tuning: new coefficients -> accuracy of every task on 256 val samples each (in-memory
//    merge + evaluation), median and p90 of N runs (default 20) per method, against a baseline
//    measured in the same run: the plain evaluation of the base's tensors on the same samples
//    (the floor a merge path can reach). Shared machines make absolute times noisy: read the ratios.
#include "eval/evaluator.h"
#include "eval/merge_tuner.h"
#include "io/runtime.h"
#include "jobs/job.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace mergelab;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double quantile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

struct Timing {
    double median, p90; // wall ms
    double cpu;         // median process CPU ms (all threads): what the work costs when cores are shared
};

// One warm-up, then `runs` timed calls of fn(i).
Timing timeRuns(int runs, const std::function<void(int)>& fn)
{
    fn(-1);
    std::vector<double> times, cpu;
    for (int i = 0; i < runs; ++i) {
        const std::clock_t c = std::clock();
        const auto a = Clock::now();
        fn(i);
        times.push_back(ms(a, Clock::now()));
        cpu.push_back(1000.0 * double(std::clock() - c) / CLOCKS_PER_SEC);
    }
    return {quantile(times, 0.5), quantile(times, 0.9), quantile(cpu, 0.5)};
}

} // namespace

int main(int argc, char** argv)
{
    initTorchRuntime();
    const char* home = std::getenv("HOME");
    std::string project = std::string(home ? home : "") + "/.local/share/mergelab/demo-r2/demo.mergelab.json";
    int runs = 20;
    bool tuningOnly = false;
    std::string onlyCase;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--tuning-only"))
            tuningOnly = true;
        else if (!std::strcmp(argv[i], "--case") && i + 1 < argc)
            onlyCase = argv[++i];
        else
            project = argv[i];
    }
    const JobResult r = runGuarded([&] {
        const ModelSet set = ModelSet::load(project);
        NullProgress quiet;
        CancelToken cancel;
        std::printf("project %s, torch intra-op threads %d\n", project.c_str(), at::get_num_threads());

        if (!tuningOnly) {
            Evaluator evaluator(set, "val");
            int64_t images = 0;
            for (const EvalTask& t : evaluator.tasks())
                images += t.labels.size(0);
            const auto baseTensors = readCheckpointTensors(set.base.path);
            EvalResult base;
            const Timing full =
                timeRuns(3, [&](int) { base = evaluator.evaluateTensors(baseTensors, "base", quiet, cancel); });
            std::printf(
                "throughput: %lld val images, median %.0f ms = %.0f images/s, CPU %.0f ms (base average %.2f%%)\n",
                static_cast<long long>(images), full.median, 1000.0 * double(images) / full.median, full.cpu,
                100 * base.average());
            {
                const int before = at::get_num_threads();
                at::set_num_threads(1);
                const Timing one =
                    timeRuns(3, [&](int) { evaluator.evaluateTensors(baseTensors, "base", quiet, cancel); });
                at::set_num_threads(before);
                std::printf("throughput, one thread: median %.0f ms = %.0f images/s (both cores: %.2fx)\n", one.median,
                            1000.0 * double(images) / one.median, one.median / full.median);
            }
        }

        MergeTuner tuner(set, 256, "val");
        const Timing floor = timeRuns(runs, [&](int) { tuner.evaluateTensors(tuner.base(), "base", quiet, cancel); });
        std::printf("baseline: evaluate the base's tensors, %zu tasks x 256 val samples: median %.1f ms, p90 %.1f ms, "
                    "CPU %.1f ms, n=%d\n",
                    tuner.evaluator().tasks().size(), floor.median, floor.p90, floor.cpu, runs);
        struct Case {
            const char* label;
            const char* method;
            std::function<void(TensorParams&, int)> vary; // new coefficients for run i
        };
        const std::size_t models = tuner.modelNames().size();
        const std::vector<Case> cases = {
            {"task_arithmetic, new lambda", "task_arithmetic",
             [](TensorParams& p, int i) { p.global["lambda"] = 0.2 + 0.01 * i; }},
            {"task_arithmetic, new per-model weights", "task_arithmetic",
             [models](TensorParams& p, int i) {
                 p.perModel.assign(models, {});
                 for (std::size_t m = 0; m < models; ++m)
                     p.perModel[m]["weight"] = 0.5 + 0.05 * ((i + int(m)) % 7);
                 p.global["lambda"] = 0.3;
             }},
            {"ties density 0.2, new lambda", "ties",
             [](TensorParams& p, int i) {
                 p.global["density"] = 0.2;
                 p.global["lambda"] = 0.5 + 0.02 * i;
             }},
            {"ties, new density (full merge)", "ties",
             [](TensorParams& p, int i) { p.global["density"] = 0.1 + 0.01 * (i + 1); }},
            {"dare_ties density 0.3, new lambda", "dare_ties",
             [](TensorParams& p, int i) {
                 p.global["density"] = 0.3;
                 p.global["lambda"] = 0.5 + 0.02 * i;
             }},
        };
        for (const Case& c : cases) {
            if (!onlyCase.empty() && std::string(c.label).find(onlyCase) == std::string::npos)
                continue;
            double mergeMs = 0;
            const Timing t = timeRuns(runs, [&](int i) {
                TensorParams p;
                c.vary(p, i);
                const auto a = Clock::now();
                const auto merged = tuner.merge(tuner.recipe(c.method, p), cancel);
                mergeMs += i >= 0 ? ms(a, Clock::now()) : 0;
                tuner.evaluateTensors(merged, c.method, quiet, cancel);
            });
            std::printf("%-38s median %6.1f ms, p90 %6.1f ms, CPU %6.1f ms (%.2fx / %.2fx the baseline; merge "
                        "mean %.1f ms)\n",
                        c.label, t.median, t.p90, t.cpu, t.median / floor.median, t.p90 / floor.p90, mergeMs / runs);
        }
    });
    if (r.status != Status::Ok) {
        std::fprintf(stderr, "error: %s\n", r.message.c_str());
        return 1;
    }
    return 0;
}
