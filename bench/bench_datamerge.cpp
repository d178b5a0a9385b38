// Times one step of each data-driven merge on a random ViT-B/32-sized CLIP (hidden 768, 12 layers,
// patch 32, image 224), or the pieces of a training step on a project (the demo set). Run by hand:
//   build/bench/bench_datamerge [tasks=2] [samples=4]
//   build/bench/bench_datamerge --project demo.mergelab.json [steps=20] [threads=0: default]
#include "datamerge/data_merge_job.h"
#include "io/model_set.h"
#include "io/runtime.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace mergelab;

namespace {
double peakGiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / (1024.0 * 1024.0);
}

template <typename F>
void timed(const char* what, F&& fn)
{
    const auto start = std::chrono::steady_clock::now();
    fn();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("| %-46s | %8.2f | %6.2f |\n", what, s, peakGiB());
    std::fflush(stdout);
}
} // namespace

// Per-step cost of AdaMerging / WEMoE on a project: one step = one batch of 16 per task.
int benchProject(const std::string& path, int64_t steps, int workers)
{
    DataMergeInputs in;
    timed("load project (test split, all samples)",
          [&] { in = loadDataMergeInputs(ModelSet::load(path), "test", -1); });
    std::printf("\n%lld tasks, %d intra-op threads by default, %d task workers (0: one per core), %lld steps per "
                "row:\n\n",
                static_cast<long long>(in.numTasks()), at::get_num_threads(), workers, static_cast<long long>(steps));
    std::printf("| %-46s | %8s | %6s |\n|---|---:|---:|\n", "per step", "ms", "peak GiB");
    NullProgress progress;
    CancelToken cancel;
    auto perStep = [&](const char* what, auto&& fn) {
        fn(); // warm-up
        const auto start = std::chrono::steady_clock::now();
        for (int64_t s = 0; s < steps; ++s)
            fn();
        const double ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                          static_cast<double>(steps);
        std::printf("| %-46s | %8.2f | %6.2f |\n", what, ms, peakGiB());
        std::fflush(stdout);
    };
    std::mt19937_64 rng(0);
    perStep("forward, 16 images x T tasks, default threads", [&] {
        at::NoGradGuard g;
        for (const EvalTask& t : in.tasks)
            vitForward(in.config, in.base, sampleRows(t.inputs, 16, rng));
    });
    perStep("forward, 16 images x T tasks, 1 thread", [&] {
        at::NoGradGuard g;
        ScopedThreadSettings single;
        for (const EvalTask& t : in.tasks)
            vitForward(in.config, in.base, sampleRows(t.inputs, 16, rng));
    });
    perStep("forward + backward, 16 x T, 1 thread", [&] {
        torch::AutoGradMode grad(true);
        ScopedThreadSettings single;
        TensorMap leaves;
        for (const auto& [n, t] : in.base)
            leaves[n] = t.detach().requires_grad_(true);
        for (const EvalTask& t : in.tasks)
            meanEntropy(t.head.logits(vitForward(in.config, leaves, sampleRows(t.inputs, 16, rng)))).backward();
    });
    for (bool layerWise : {false, true}) {
        AdaMergingOptions o;
        o.layerWise = layerWise;
        o.train.steps = steps;
        o.train.workers = workers;
        const auto start = std::chrono::steady_clock::now();
        runAdaMerging(in, o, progress, cancel);
        const double ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                          static_cast<double>(steps);
        std::printf("| %-46s | %8.2f | %6.2f |\n",
                    layerWise ? "AdaMerging layer-wise step" : "AdaMerging task-wise step", ms, peakGiB());
    }
    std::shared_ptr<WeMoeModel> model = WeMoeModel::upcycle(in, WeMoeConfig(), 0);
    TrainOptions t;
    t.steps = steps;
    t.learningRate = 1e-4;
    t.workers = workers;
    const auto start = std::chrono::steady_clock::now();
    trainWeMoe(*model, in.tasks, t, progress, cancel);
    const double ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                      static_cast<double>(steps);
    std::printf("| %-46s | %8.2f | %6.2f |\n", "WEMoE router step", ms, peakGiB());
    return 0;
}

int main(int argc, char** argv)
{
    initTorchRuntime();
    if (argc > 2 && std::string(argv[1]) == "--project")
        return benchProject(argv[2], argc > 3 ? std::atoll(argv[3]) : 20, argc > 4 ? std::atoi(argv[4]) : 0);
    const int64_t tasks = argc > 1 ? std::atoll(argv[1]) : 2;
    const int64_t samples = argc > 2 ? std::atoll(argv[2]) : 4;
    at::manual_seed(0);
    DataMergeInputs in;
    in.source = "random ViT-B/32";
    in.config = ClipVisionConfig(); // defaults are ViT-B/32
    ClipVitBackbone vit(in.config);
    for (const auto& [name, t] : vit.parameters())
        in.base[name] = t.detach().clone();
    for (int64_t i = 0; i < tasks; ++i) {
        TensorMap ft;
        for (const auto& [name, t] : in.base)
            ft[name] = t + 0.01 * at::randn(t.sizes());
        in.finetuned.push_back(std::move(ft));
        EvalTask task;
        task.name = "task" + std::to_string(i);
        task.head.weight = at::randn({10, in.config.projectionDim});
        task.head.normalize = true;
        task.inputs = at::randn({samples, 3, 224, 224});
        task.labels = at::zeros({samples}, at::kLong);
        in.tasks.push_back(std::move(task));
    }
    std::printf("ViT-B/32 random, %lld tasks, %lld samples per task, %d intra-op threads\n\n",
                static_cast<long long>(tasks), static_cast<long long>(samples), at::get_num_threads());
    std::printf("| %-46s | %8s | %6s |\n|---|---:|---:|\n", "step", "seconds", "peak GiB");
    NullProgress progress;
    CancelToken cancel;
    timed("forward, 1 task batch (no grad)", [&] {
        at::NoGradGuard g;
        vitForward(in.config, in.base, in.tasks[0].inputs);
    });
    timed("Fisher: per-sample grad² for 1 sample", [&] {
        FisherOptions o;
        o.samplesPerTask = 1;
        diagonalFisher(in.config, in.finetuned[0], in.tasks[0], o, progress, cancel);
    });
    timed("Fisher: whole merge, 1 sample per task", [&] {
        FisherOptions o;
        o.samplesPerTask = 1;
        runFisherMerge(in, o, progress, cancel);
    });
    timed("RegMean: Grams of 1 task batch",
          [&] { collectGrams(in.config, in.finetuned[0], in.tasks[0].inputs, RegMeanOptions(), cancel); });
    timed("RegMean: whole merge (Grams + solves)", [&] { runRegMean(in, RegMeanOptions(), progress, cancel); });
    for (bool layerWise : {false, true}) {
        AdaMergingOptions o;
        o.layerWise = layerWise;
        o.train.steps = 1;
        o.train.batchSize = samples;
        timed(layerWise ? "AdaMerging layer-wise: 1 step (batch/task)" : "AdaMerging task-wise: 1 step (batch/task)",
              [&] { runAdaMerging(in, o, progress, cancel); });
    }
    std::shared_ptr<WeMoeModel> model;
    timed("WEMoE: upcycle", [&] { model = WeMoeModel::upcycle(in, WeMoeConfig(), 0); });
    TrainOptions t;
    t.steps = 1;
    t.batchSize = samples;
    t.learningRate = 1e-4;
    timed("WEMoE: 1 router step (batch/task)", [&] { trainWeMoe(*model, in.tasks, t, progress, cancel); });
    t.steps = 2;
    timed("WEMoE: 2 router steps (batch/task)", [&] { trainWeMoe(*model, in.tasks, t, progress, cancel); });
    return 0;
}
