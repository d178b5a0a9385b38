// mergelab-cli finetune: fine-tunes a project's base on one task (or all), plainly or with SAM.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "io/model_set.h"
#include "mergeability/finetune.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct FinetuneArgs {
    std::string project;
    std::string task;
    bool allTasks = false;
    double sam = -1; // < 0 and not given: plain
    bool samGiven = false;
    int64_t steps = -1;
    double learningRate = -1;
    int64_t batch = -1;
    int64_t warmup = -1;
    uint64_t seed = 0;
    std::string output;
    bool json = false;
    bool quiet = false;
};

int runFinetune(const FinetuneArgs& args)
{
    if (args.samGiven && (args.sam < 0 || !std::isfinite(args.sam)))
        throw InputError("--sam: rho must be >= 0 (got " + std::to_string(args.sam) + ")");
    if (args.allTasks == !args.task.empty())
        throw InputError("give either --task NAME or --all-tasks");
    const ModelSet set = ModelSet::load(args.project);
    FinetuneOptions options = defaultFinetuneOptions(set);
    if (args.steps > 0) {
        options.train.steps = args.steps;
        options.train.warmupSteps = std::max<int64_t>(1, args.steps / 10);
    }
    if (args.learningRate > 0)
        options.train.learningRate = args.learningRate;
    if (args.batch > 0)
        options.train.batchSize = args.batch;
    if (args.warmup >= 0)
        options.train.warmupSteps = args.warmup;
    options.train.sam = args.samGiven;
    options.train.samRho = args.samGiven ? args.sam : 0.0;
    options.seed = args.seed;

    FinetuneJob job(set, args.allTasks ? std::vector<std::string>{} : std::vector<std::string>{args.task}, options,
                    args.output, args.allTasks);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    if (args.json) {
        nlohmann::json j;
        j["output"] = job.written();
        j["sam"] = options.train.sam;
        j["rho"] = options.train.samRho;
        j["steps"] = options.train.steps;
        j["learning_rate"] = options.train.learningRate;
        j["seed"] = options.seed;
        j["tasks"] = nlohmann::json::array();
        for (const FinetuneResult& r : job.results())
            j["tasks"].push_back({{"task", r.task}, {"seconds", r.seconds}, {"loss_curve", r.lossCurve}});
        std::cout << j.dump(2) << std::endl;
        return kExitOk;
    }
    for (const FinetuneResult& r : job.results()) {
        std::printf("%s: %s, %lld steps, %.0f s\n", r.task.c_str(),
                    options.train.sam ? ("SAM rho " + std::to_string(options.train.samRho).substr(0, 6)).c_str()
                                      : "plain",
                    static_cast<long long>(options.train.steps), r.seconds);
        for (const auto& [step, loss] : r.lossCurve)
            std::printf("  step %5lld  loss %.4f\n", static_cast<long long>(step), loss);
    }
    std::printf("wrote %s\n", job.written().c_str());
    return kExitOk;
}

const bool registered = registerVerb("finetune", [](CLI::App& app) {
    auto args = std::make_shared<FinetuneArgs>();
    CLI::App* sub = app.add_subcommand(
        "finetune",
        "Fine-tune a project's base on a task with its head frozen, plainly or sharpness-aware (--sam RHO); "
        "--all-tasks writes a whole new project beside the source. See docs/mergeability.md.");
    sub->add_option("project", args->project,
                    "Project file (*.mergelab.json) with clip_vit architecture, heads and datasets")
        ->required();
    sub->add_option("--task", args->task, "Task to fine-tune on");
    sub->add_flag("--all-tasks", args->allTasks, "Every task; -o is then a new folder holding a project");
    sub->add_option("--sam", args->sam, "Sharpness-aware minimisation with radius RHO (e.g. 0.05); plain when absent")
        ->each([args](const std::string&) { args->samGiven = true; });
    sub->add_option("--steps", args->steps, "Training steps (default: the zoo's, from model_card.json; else 400)");
    sub->add_option("--lr", args->learningRate, "Peak AdamW learning rate (default: the zoo's; else 5e-5)");
    sub->add_option("--batch", args->batch, "Batch size (default: the zoo's; else 64)");
    sub->add_option("--warmup", args->warmup, "Warm-up steps (default: steps / 10)");
    sub->add_option("--seed", args->seed, "Batch-order seed; the seed of a zoo build re-creates its plain fine-tunes")
        ->default_val(0);
    sub->add_option("-o,--output", args->output, "OUT.safetensors (one task) or a new folder (--all-tasks)")
        ->required();
    sub->add_flag("--json", args->json, "Print JSON: output, settings, loss curve per task");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runFinetune(*args); });
});

} // namespace

} // namespace mergelab::cli
