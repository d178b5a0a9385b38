// mergelab-cli btx: Branch-Train-MiX, dense fine-tunes -> a sparse MoE (Mixtral or MergeLab's MoE ViT).
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "io/model_set.h"
#include "moe/btx.h"
#include "moe/btx_router.h"
#include "moe/expert_outputs.h"
#include "moe/moe_vit.h"
#include "moe/router_finetune.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

namespace fs = std::filesystem;

struct BtxArgs {
    std::string base;
    std::vector<std::string> experts;
    std::string output;
    std::string router = "random";
    std::string data;
    std::string evaluate;
    int64_t calibration = 64;
    int64_t evalLimit = 500;
    int finetuneSteps = 0;
    int64_t trainLimit = 2048;
    std::string lossLog;
    bool quiet = false;
    RouterFinetuneOptions finetune;
    BtxOptions options;
};

std::string canonical(const std::string& path)
{
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? path : p.string();
}

// Each --expert's task images from the project (matched by checkpoint path); the base gets none.
std::vector<at::Tensor> taskImagesOf(const BtxArgs& args)
{
    const ModelSet set = ModelSet::load(args.data);
    std::vector<at::Tensor> images;
    if (args.options.includeBase)
        images.emplace_back();
    for (const std::string& expert : args.experts) {
        const ModelEntry* entry = nullptr;
        for (const ModelEntry& m : set.models)
            if (canonical(m.path) == canonical(expert))
                entry = &m;
        if (!entry)
            throw InputError(args.data, {}, "--expert " + expert + " is not a model of this project");
        const TaskEntry* task = set.findTask(entry->task);
        if (!task || task->dataset.empty())
            throw InputError(args.data, {}, "model '" + entry->name + "' has no task dataset");
        images.push_back(calibrationImages(task->dataset, args.calibration));
    }
    return images;
}

// Writes the per-step losses as CSV (step,loss,task,balance).
void writeLossLog(const std::string& path, const RouterFinetuneResult& r)
{
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f)
        throw IoError(path, {}, "cannot write: " + systemErrorText(errno));
    std::fprintf(f, "step,loss,task_loss,balance_loss\n");
    for (const RouterFinetuneStep& s : r.history)
        std::fprintf(f, "%d,%.6f,%.6f,%.6f\n", s.step, s.loss, s.taskLoss, s.balanceLoss);
    if (std::fclose(f) != 0)
        throw IoError(path, {}, "write failed: " + systemErrorText(errno));
}

int runBtx(BtxArgs args)
{
    if (args.finetuneSteps < 0)
        throw InputError("--finetune-router " + std::to_string(args.finetuneSteps) + ": expected a number of steps >= 0");
    if (args.finetuneSteps > 0 && args.data.empty())
        throw InputError("--finetune-router needs --data PROJECT (the tasks' training data and heads)");
    if (args.router == "hidden" && args.data.empty())
        throw InputError("--router hidden needs --data PROJECT (each expert's task images)");
    TerminalProgress progress(args.quiet);
    if (args.router == "hidden" || args.finetuneSteps > 0) {
        // Build once with a random router, then set the routers from data (hidden states and/or
        // fine-tuning) on the loaded model, and write the final checkpoint with them.
        const fs::path scratch = fs::path(args.output).parent_path() / (fs::path(args.output).filename().string() + ".btx-scratch");
        struct Remove {
            fs::path p;
            ~Remove() { std::error_code ec; fs::remove_all(p, ec); }
        } cleanup{scratch};
        const BtxResult first =
            branchTrainMix(args.base, args.experts, args.options, scratch.string(), progress, interruptToken());
        if (first.family != MoeFamily::MoeVit)
            throw InputError(args.base, {}, "--router hidden and --finetune-router need a forward pass: MergeLab has one "
                                            "for the ViT only");
        auto model = loadMoeVit(first.path);
        if (args.router == "hidden") {
            args.options.routers = hiddenStateRouters(*model, taskImagesOf(args), 2.0, progress, interruptToken());
            model->setParameters(args.options.routers, false, "hidden-state routers");
        }
        if (args.finetuneSteps > 0) {
            const std::vector<EvalTask> tasks = loadEvalTasks(ModelSet::load(args.data), "train", args.trainLimit);
            args.finetune.steps = args.finetuneSteps;
            const RouterFinetuneResult tuned = finetuneRouters(*model, tasks, args.finetune, progress, interruptToken());
            args.options.routers = tuned.routers;
            args.options.expertOverrides = tuned.experts;
            if (!tuned.history.empty())
                std::printf("router fine-tuning: %d steps, loss %.4f -> %.4f (task %.4f -> %.4f, balance %.4f -> %.4f)\n",
                            args.finetuneSteps, tuned.history.front().loss, tuned.history.back().loss,
                            tuned.history.front().taskLoss, tuned.history.back().taskLoss,
                            tuned.history.front().balanceLoss, tuned.history.back().balanceLoss);
            if (!args.lossLog.empty())
                writeLossLog(args.lossLog, tuned);
        }
    }
    const BtxResult r = branchTrainMix(args.base, args.experts, args.options, args.output, progress, interruptToken());
    progress.finish();
    std::cout << "written: " << r.path << " (" << moeFamilyName(r.family) << ", " << r.layers << " MoE layers x "
              << r.experts << " experts, top-" << r.topK << ", " << r.parameters << " parameters, router "
              << args.router << ")\n";
    if (!args.evaluate.empty()) {
        TerminalProgress evalProgress(args.quiet);
        const EvalResult acc = evaluateMoeVit(r.path, args.evaluate, "test", args.evalLimit, evalProgress, interruptToken());
        evalProgress.finish();
        for (const TaskAccuracy& t : acc.tasks)
            std::printf("  %-12s %.4f  (%lld samples)\n", t.name.c_str(), t.accuracy, static_cast<long long>(t.samples));
        std::printf("  %-12s %.4f\n", "average", acc.average());
    }
    return kExitOk;
}

const bool registered = registerVerb("btx", [](CLI::App& app) {
    auto args = std::make_shared<BtxArgs>();
    CLI::App* sub = app.add_subcommand(
        "btx", "Branch-Train-MiX: the MLPs of dense fine-tunes become the experts of an MoE layer, every other "
               "tensor is averaged, a router is initialised per layer (Llama -> Mixtral, CLIP ViT -> MoE ViT).");
    sub->add_option("--base", args->base, "The seed (base) checkpoint")->required();
    sub->add_option("--expert", args->experts, "A fine-tuned checkpoint (repeat: one expert each)")->required();
    sub->add_option("--top-k", args->options.topK, "Experts per token")->default_val(2)->check(CLI::PositiveNumber);
    sub->add_flag("--include-base", args->options.includeBase, "The base MLP becomes expert 0 as well");
    sub->add_option("--router", args->router,
                    "Router initialisation: random (small normal rows) | hidden (each expert's mean hidden state on "
                    "its task's images, from --data; ViT only)")
        ->check(CLI::IsMember({"random", "hidden"}));
    sub->add_option("--router-std", args->options.routerStd, "Standard deviation of the random router")
        ->default_val(0.02)
        ->check(CLI::Range(0.0, 10.0));
    sub->add_option("--seed", args->options.seed, "Seed of the random router")->default_val(0);
    sub->add_option("--data", args->data, "Project (*.mergelab.json) with each expert's task data");
    sub->add_option("--calibration", args->calibration, "Images per task for --router hidden")
        ->default_val(64)
        ->check(CLI::PositiveNumber);
    sub->add_option("--finetune-router", args->finetuneSteps,
                    "Router fine-tuning steps on the tasks' mixed training data (needs --data; ViT only)");
    sub->add_option("--lr", args->finetune.learningRate, "Router fine-tuning learning rate (Adam)")
        ->default_val(1e-2)
        ->check(CLI::Range(1e-8, 10.0));
    sub->add_option("--balance-weight", args->finetune.balanceWeight,
                    "Weight of the Switch/Mixtral load-balancing loss in router fine-tuning")
        ->default_val(0.01)
        ->check(CLI::Range(0.0, 100.0));
    sub->add_option("--batch", args->finetune.batchPerTask, "Images per task in each fine-tuning step")
        ->default_val(32)
        ->check(CLI::PositiveNumber);
    sub->add_flag("--train-experts", args->finetune.trainExperts, "Fine-tune the experts' weights with the routers");
    sub->add_option("--train-limit", args->trainLimit, "Training images read per task for fine-tuning")
        ->default_val(2048)
        ->check(CLI::PositiveNumber);
    sub->add_option("--loss-log", args->lossLog, "Write the fine-tuning loss per step as CSV here");
    sub->add_option("--config", args->options.configPath, "config.json to extend (default: beside --base)");
    sub->add_option("--evaluate", args->evaluate, "Project whose tasks to evaluate the written MoE ViT on");
    sub->add_option("--eval-limit", args->evalLimit, "Test samples per task for --evaluate")->default_val(500);
    sub->add_option("-o,--output", args->output, "Output folder (safetensors + config.json)")->required();
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runBtx(*args); });
});

} // namespace

} // namespace mergelab::cli
