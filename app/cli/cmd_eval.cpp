// mergelab-cli eval: per-task accuracy of a checkpoint (or of a recipe merged in memory) on a project.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "datamerge/wemoe_model.h"
#include "eval/evaluator.h"
#include "eval/lm_evaluator.h"
#include "io/checkpoint.h"
#include "merge/merge_engine.h"
#include "merge/recipe.h"
#include "models/causal_lm.h"
#include "moe/moe_layout.h"
#include "moe/moe_vit.h"
#include "text/tokenizer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace mergelab::cli {

namespace {

struct EvalArgs {
    std::string project;
    std::string checkpoint;
    std::string recipe;
    std::string split = "test";
    int64_t limit = -1;
    bool json = false;
    bool quiet = false;
};

void printTable(const EvalResult& r)
{
    std::printf("%s (%s split)\n", r.checkpoint.c_str(), r.split.c_str());
    std::printf("%-16s %9s %8s\n", "task", "accuracy", "samples");
    for (const TaskAccuracy& t : r.tasks)
        std::printf("%-16s %8.2f%% %8lld\n", t.name.c_str(), 100 * t.accuracy, static_cast<long long>(t.samples));
    std::printf("%-16s %8.2f%%\n", "average", 100 * r.average());
}

// The model kinds MergeLab writes besides dense checkpoints of the project's architecture: a WEMoE
// folder (learn-merge -m wemoe: wemoe.json + model.safetensors) or an MoE ViT (btx, experts: MoE
// tensors, config.json beside them). nullptr for a dense checkpoint.
std::unique_ptr<Backbone> openRoutedModel(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if ((fs::is_directory(path, ec) && fs::exists(fs::path(path) / "wemoe.json", ec)) ||
        fs::path(path).filename() == "wemoe.json")
        return std::make_unique<WeMoeBackbone>(WeMoeModel::load(path));
    const std::optional<MoeLayout> layout = tryDetectMoeLayout(*Checkpoint::open(path));
    if (!layout)
        return nullptr;
    if (layout->family != MoeFamily::MoeVit)
        throw InputError(path, {},
                         std::string("a ") + moeFamilyName(layout->family) +
                             " MoE checkpoint: eval runs vision models (dense, MoE ViT, WEMoE)");
    return loadMoeVit(path);
}

// A project with language-model tasks: held-out perplexity per task of the base, a model folder or a
// recipe merged in memory (config and tokenizer from the base's folder).
int runLmEval(const EvalArgs& args, const ModelSet& set)
{
    if (args.limit > 0)
        throw InputError(args.project, {}, "--limit applies to image tasks, not to language-model tasks");
    TerminalProgress progress(args.quiet || args.json);
    LmEvalResult result;
    if (!args.recipe.empty()) {
        const Recipe recipe = loadRecipe(args.recipe);
        const auto merged = mergeInMemory(recipe, {}, &progress, &interruptToken());
        const CausalLm model(loadModelConfig(set.base.path), merged, args.recipe);
        result = evaluateLmTasks(model, *Tokenizer::open(set.base.path), set, args.split, progress, interruptToken());
        result.model = args.recipe;
    } else {
        result = evaluateLmModel(args.checkpoint.empty() ? set.base.path : args.checkpoint, set, args.split, progress,
                                 interruptToken());
    }
    const std::string& name = result.model;
    progress.finish();
    if (args.json) {
        std::cout << result.toJson() << std::endl;
        return kExitOk;
    }
    std::printf("%s (%s split, context %lld; perplexity: lower is better)\n", name.c_str(), args.split.c_str(),
                static_cast<long long>(result.context));
    std::printf("%-16s %11s %9s %8s %9s %9s %9s\n", "task", "perplexity", "NLL", "tokens", "acc", "acc_norm",
                "questions");
    for (const LmTaskScore& t : result.tasks) {
        std::printf("%-16s", t.name.c_str());
        if (t.hasText())
            std::printf(" %11.3f %9.4f %8lld", t.perplexity(), t.nll, static_cast<long long>(t.tokens));
        else
            std::printf(" %11s %9s %8s", "-", "-", "-");
        if (t.hasChoices())
            std::printf(" %8.1f%% %8.1f%% %9lld", 100 * t.accuracy, 100 * t.accuracyNorm,
                        static_cast<long long>(t.questions));
        std::printf("\n");
    }
    if (!std::isnan(result.meanNll()))
        std::printf("%-16s %11.3f %9.4f\n", "geometric mean", result.perplexity(), result.meanNll());
    if (!std::isnan(result.meanAccuracy()))
        std::printf("%-16s %11s %9s %8s %8.1f%%\n", "mean accuracy", "", "", "", 100 * result.meanAccuracy());
    return kExitOk;
}

int runEval(const EvalArgs& args)
{
    if (!args.checkpoint.empty() && !args.recipe.empty())
        throw InputError("give either --checkpoint or --recipe, not both");
    const ModelSet set = ModelSet::load(args.project);
    if (hasLmTasks(set))
        return runLmEval(args, set);
    Evaluator evaluator(set, args.split, args.limit);
    TerminalProgress progress(args.quiet || args.json);
    EvalResult result;
    if (!args.recipe.empty()) {
        const Recipe recipe = loadRecipe(args.recipe);
        const auto merged = mergeInMemory(recipe, {}, &progress, &interruptToken());
        result = evaluator.evaluateTensors(merged, args.recipe, progress, interruptToken());
    } else if (std::unique_ptr<Backbone> routed =
                   args.checkpoint.empty() ? nullptr : openRoutedModel(args.checkpoint)) {
        result = evaluateBackbone(*routed, evaluator.tasks(), evaluator.batchSize, progress, interruptToken());
        result.checkpoint = args.checkpoint;
        result.split = args.split;
    } else {
        // No checkpoint: the project's base.
        result = evaluator.evaluateCheckpoint(args.checkpoint.empty() ? set.base.path : args.checkpoint, progress,
                                              interruptToken());
    }
    progress.finish();
    if (args.json)
        std::cout << result.toJson() << std::endl;
    else
        printTable(result);
    return kExitOk;
}

const bool registered = registerVerb("eval", [](CLI::App& app) {
    auto args = std::make_shared<EvalArgs>();
    auto* sub = app.add_subcommand("eval", "Per-task accuracy (image tasks) or perplexity (language-model tasks) of a "
                                           "checkpoint or an in-memory merge on a project");
    sub->add_option("project", args->project, "Project file (*.mergelab.json)")->required();
    sub->add_option("--checkpoint", args->checkpoint,
                    "Checkpoint to evaluate (default: the project's base); also an MoE ViT (btx) or a WEMoE folder "
                    "(learn-merge -m wemoe)");
    sub->add_option("--recipe", args->recipe, "Recipe (JSON or mergekit YAML) merged in memory and evaluated");
    sub->add_option("--split", args->split, "Dataset split")->check(CLI::IsMember({"train", "val", "test"}));
    sub->add_option("--limit", args->limit, "Only the first N samples of each task")->check(CLI::PositiveNumber);
    sub->add_flag("--json", args->json, "Print JSON: checkpoint, split, tasks[name, accuracy, samples], average");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runEval(*args); });
});

} // namespace

} // namespace mergelab::cli
