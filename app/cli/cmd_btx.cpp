// mergelab-cli btx: Branch-Train-MiX, dense fine-tunes -> a sparse MoE (Mixtral or MergeLab's MoE ViT).
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "eval/lm_evaluator.h"
#include "io/model_set.h"
#include "moe/btx_job.h"
#include "moe/btx_router.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct BtxArgs {
    BtxSpec spec; // flags bound to its fields; its defaults are the ones --help shows
    std::string router = btxRouterInitName(BtxSpec().router);
    int finetuneSteps = 0;
    std::string evaluate;
    int64_t evalLimit = 500;
    std::string lossLog;
    bool quiet = false;
};

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
    BtxSpec& spec = args.spec;
    spec.router = parseBtxRouterInit(args.router);
    spec.finetuneRouters = args.finetuneSteps != 0;
    spec.finetune.steps = args.finetuneSteps;
    spec.validate();
    BtxJob job(spec);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const BtxResult& r = job.result();
    const RouterFinetuneResult& tuned = job.finetuneResult();
    if (!tuned.history.empty())
        std::printf("router fine-tuning: %d steps, loss %.4f -> %.4f (task %.4f -> %.4f, balance %.4f -> %.4f)\n",
                    args.finetuneSteps, tuned.history.front().loss, tuned.history.back().loss,
                    tuned.history.front().taskLoss, tuned.history.back().taskLoss, tuned.history.front().balanceLoss,
                    tuned.history.back().balanceLoss);
    if (spec.finetuneRouters && !args.lossLog.empty())
        writeLossLog(args.lossLog, tuned);
    std::cout << "written: " << r.path << " (" << moeFamilyName(r.family) << ", " << r.layers << " MoE layers x "
              << r.experts << " experts, top-" << r.topK << ", " << r.parameters << " parameters, router "
              << args.router << ")\n";
    if (!args.evaluate.empty() && hasLmTasks(ModelSet::load(args.evaluate))) {
        TerminalProgress evalProgress(args.quiet);
        const LmEvalResult ppl =
            evaluateLmModel(r.path, ModelSet::load(args.evaluate), "test", evalProgress, interruptToken());
        evalProgress.finish();
        for (const LmTaskScore& t : ppl.tasks)
            if (t.hasText())
                std::printf("  %-12s perplexity %.3f  (%lld tokens)\n", t.name.c_str(), t.perplexity(),
                            static_cast<long long>(t.tokens));
        std::printf("  %-12s perplexity %.3f  (geometric mean; lower is better)\n", "average", ppl.perplexity());
    } else if (!args.evaluate.empty()) {
        TerminalProgress evalProgress(args.quiet);
        const EvalResult acc =
            evaluateMoeVit(r.path, args.evaluate, "test", args.evalLimit, evalProgress, interruptToken());
        evalProgress.finish();
        for (const TaskAccuracy& t : acc.tasks)
            std::printf("  %-12s %.4f  (%lld samples)\n", t.name.c_str(), t.accuracy,
                        static_cast<long long>(t.samples));
        std::printf("  %-12s %.4f\n", "average", acc.average());
    }
    return kExitOk;
}

const bool registered = registerVerb("btx", [](CLI::App& app) {
    auto args = std::make_shared<BtxArgs>();
    CLI::App* sub = app.add_subcommand(
        "btx", "Branch-Train-MiX: the MLPs of dense fine-tunes become the experts of an MoE layer, every other "
               "tensor is averaged, a router is initialised per layer (Llama -> Mixtral, CLIP ViT -> MoE ViT).");
    sub->add_option("--base", args->spec.base, "The seed (base) checkpoint")->required();
    sub->add_option("--expert", args->spec.experts, "A fine-tuned checkpoint (repeat: one expert each)")->required();
    sub->add_option("--top-k", args->spec.options.topK, "Experts per token")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_flag("--include-base", args->spec.options.includeBase, "The base MLP becomes expert 0 as well");
    sub->add_option("--router", args->router,
                    "Router initialisation: random (small normal rows) | hidden (each expert's mean hidden state on "
                    "its task's images or text, from --data)")
        ->capture_default_str()
        ->check(CLI::IsMember({"random", "hidden"}));
    sub->add_option("--router-std", args->spec.options.routerStd, "Standard deviation of the random router")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 10.0));
    sub->add_option("--seed", args->spec.options.seed, "Seed of the random router")->capture_default_str();
    sub->add_option("--data", args->spec.data, "Project (*.mergelab.json) with each expert's task data");
    sub->add_option("--calibration", args->spec.calibrationImages, "Images per task for --router hidden (ViT)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_option("--calibration-tokens", args->spec.calibrationTokens,
                    "Tokens of each task's text for --router hidden (language models)")
        ->capture_default_str();
    sub->add_option("--context", args->spec.finetune.context,
                    "Tokens per text window in router fine-tuning and --router hidden (language models)")
        ->capture_default_str();
    sub->add_option("--train-tokens", args->spec.trainTokens,
                    "Tokens read per task for router fine-tuning (language models; -1: the whole text)")
        ->capture_default_str();
    sub->add_option("--finetune-router", args->finetuneSteps,
                    "Router fine-tuning steps on the tasks' mixed training data (needs --data: images, or the tasks' "
                    "train text, else val, for language models)");
    sub->add_option("--lr", args->spec.finetune.learningRate, "Router fine-tuning learning rate (Adam)")
        ->capture_default_str()
        ->check(CLI::Range(1e-8, 10.0));
    sub->add_option("--balance-weight", args->spec.finetune.balanceWeight,
                    "Weight of the Switch/Mixtral load-balancing loss in router fine-tuning")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100.0));
    sub->add_option("--batch", args->spec.finetune.batchPerTask,
                    "Images (language models: text windows) per task in each fine-tuning step")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_flag("--train-experts", args->spec.finetune.trainExperts,
                  "Fine-tune the experts' weights with the routers (ViT)");
    sub->add_option("--train-limit", args->spec.trainLimit, "Training images read per task for fine-tuning (ViT)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_option("--loss-log", args->lossLog, "Write the fine-tuning loss per step as CSV here");
    sub->add_option("--config", args->spec.options.configPath, "config.json to extend (default: beside --base)");
    sub->add_option("--evaluate", args->evaluate,
                    "Project whose tasks to evaluate the written MoE on (accuracy, or perplexity on the test text)");
    sub->add_option("--eval-limit", args->evalLimit, "Test samples per task for --evaluate")->default_val(500);
    sub->add_option("-o,--output", args->spec.output, "Output folder (safetensors + config.json)")->required();
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runBtx(*args); });
});

} // namespace

} // namespace mergelab::cli
