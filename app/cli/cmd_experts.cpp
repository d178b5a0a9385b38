// mergelab-cli experts: MoE layout, expert redundancy (similarity, merge tree, groups) and merge-to-K.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "moe/btx_router.h"
#include "moe/expert_grouping.h"
#include "moe/expert_merge.h"
#include "moe/expert_outputs.h"
#include "moe/expert_report.h"
#include "moe/expert_similarity.h"
#include "moe/moe_layout.h"
#include "moe/moe_vit.h"

#include <ATen/ops/cat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct ExpertsArgs {
    std::string path;
    int layer = -1;
    std::string by = "weights";
    std::vector<std::string> data; // calibration datasets (images of all of them are used)
    int64_t calibration = 64;
    std::string evaluate;
    int64_t evalLimit = 500;
    std::string json;
    int mergeTo = 0;
    double threshold = 0;
    std::string average = "plain";
    std::string router = "auto";
    std::string output;
    bool layoutOnly = false;
    bool dropLeastUsed = false;
    uint64_t seed = 0;
    bool quiet = false;
};

void writeJson(const std::string& path, const nlohmann::json& j)
{
    if (path == "-") {
        std::cout << j.dump(2) << std::endl;
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw IoError(path, {}, "cannot write: " + systemErrorText(errno));
    out << j.dump(2) << "\n";
    if (!out.flush())
        throw IoError(path, {}, "write failed: " + systemErrorText(errno));
}

int runExperts(const ExpertsArgs& args)
{
    const bool byOutputs = args.by == "outputs";
    if (args.by == "random" && args.mergeTo == 0)
        throw InputError("--by random is a baseline for --merge-to K");
    if (args.dropLeastUsed && (args.mergeTo == 0 || args.data.empty()))
        throw InputError("--drop-least-used needs --merge-to K and --data (usage is measured by routing calibration images)");
    if (args.dropLeastUsed && args.by == "random")
        throw InputError("--drop-least-used and --by random are different baselines; choose one");
    if (byOutputs && args.data.empty())
        throw InputError("--by outputs needs calibration images: give --data DATASET.h5");
    if (args.mergeTo > 0 && args.output.empty())
        throw InputError("--merge-to needs -o OUT");
    if (!args.evaluate.empty() && args.mergeTo == 0)
        throw InputError("--evaluate is for --merge-to K (accuracy before and after)");
    if (args.mergeTo == 0 && !args.output.empty())
        throw InputError("-o is for --merge-to K");
    if (args.mergeTo < 0)
        throw InputError("--merge-to " + std::to_string(args.mergeTo) + " is out of range (expected 1..experts)");

    const auto checkpoint = Checkpoint::open(args.path);
    const MoeLayout layout = detectMoeLayout(*checkpoint);
    std::cout << describeMoeLayout(layout);
    if (args.layoutOnly)
        return kExitOk;
    if (args.mergeTo > layout.numExperts)
        throw InputError(args.path, {},
                         "--merge-to " + std::to_string(args.mergeTo) + " is out of range (the model has " +
                             std::to_string(layout.numExperts) + " experts per layer; expected 1.." +
                             std::to_string(layout.numExperts) + ")");

    // Data-centric analysis needs MergeLab's forward pass, which exists for the MoE ViT.
    if (!args.data.empty() && layout.family != MoeFamily::MoeVit)
        throw InputError(args.path, {},
                         std::string("--data: expert outputs need a forward pass, which MergeLab has for the "
                                     "MoE ViT only (this is ") +
                             moeFamilyName(layout.family) + "); use --by weights");

    TerminalProgress progress(args.quiet);
    auto sims = analyzeExpertRedundancy(*checkpoint, layout, args.layer, progress, interruptToken());
    DataCentricRedundancy data;
    if (!args.data.empty()) {
        auto model = loadMoeVit(args.path);
        std::vector<at::Tensor> parts;
        for (const std::string& file : args.data)
            parts.push_back(calibrationImages(file, args.calibration));
        const at::Tensor images = at::cat(parts);
        data = dataCentricRedundancy(*model, images, 16, 8192, progress, interruptToken());
        for (ExpertSimilarity& s : sims) {
            const ExpertSimilarity& d = data.layers.at(s.layer);
            s.outputs = d.outputs;
            s.usage = d.usage;
            s.coSelection = d.coSelection;
        }
    }
    progress.finish();
    auto layers = clusterExperts(sims, args.mergeTo, args.threshold, byOutputs);
    // The baselines replace the similarity groups (the similarities and tree are still reported).
    for (LayerRedundancy& l : layers) {
        if (args.by == "random")
            l.groups = randomExpertGroups(l.similarity.numExperts, args.mergeTo, args.seed + uint64_t(l.similarity.layer));
        else if (args.dropLeastUsed)
            l.groups = mostUsedExperts(l.similarity.usage, args.mergeTo);
    }
    if (args.json != "-")
        std::cout << formatExpertReport(layers);
    nlohmann::json report = expertReportJson(args.path, layout, layers);

    if (args.mergeTo > 0) {
        ExpertMergeOptions options;
        options.targetExperts = args.mergeTo;
        options.usageWeighted = args.average == "usage";
        options.dropUngrouped = args.dropLeastUsed;
        // auto: the least-squares log-sum-exp fit on recorded router inputs when there is data (it keeps
        // the routing mass, docs/moe.md); without data it would equal the mean, so use the mean.
        options.router = parseRouterRule(args.router != "auto" ? args.router : args.data.empty() ? "mean" : "lse");
        if (args.dropLeastUsed) // kept experts keep their own router rows
            options.router = RouterRule::Mean;
        for (const LayerRedundancy& l : layers) { // reuse the groups shown above
            options.groups[l.similarity.layer] = l.groups;
            if (!l.similarity.usage.empty())
                options.usage[l.similarity.layer] = l.similarity.usage;
        }
        options.routerInputs = data.routerInputs;
        TerminalProgress mergeProgress(args.quiet);
        const ExpertMergeResult result =
            mergeExperts(*checkpoint, layout, options, args.output, mergeProgress, interruptToken());
        mergeProgress.finish();
        if (args.json != "-")
            std::cout << formatMergeResult(result, options.router);
        addMergeToJson(report, result, options.router);
        if (!args.evaluate.empty()) {
            // Accuracy retained: the MoE ViT before and after merging, on the project's tasks.
            TerminalProgress evalProgress(args.quiet);
            const EvalResult before =
                evaluateMoeVit(args.path, args.evaluate, "test", args.evalLimit, evalProgress, interruptToken());
            const EvalResult after =
                evaluateMoeVit(result.path, args.evaluate, "test", args.evalLimit, evalProgress, interruptToken());
            evalProgress.finish();
            nlohmann::json acc = nlohmann::json::array();
            for (std::size_t t = 0; t < before.tasks.size(); ++t) {
                if (args.json != "-")
                    std::printf("  %-12s before %.4f  after %.4f\n", before.tasks[t].name.c_str(),
                                before.tasks[t].accuracy, after.tasks[t].accuracy);
                acc.push_back({{"task", before.tasks[t].name},
                               {"before", before.tasks[t].accuracy},
                               {"after", after.tasks[t].accuracy}});
            }
            if (args.json != "-")
                std::printf("  %-12s before %.4f  after %.4f\n", "average", before.average(), after.average());
            report["merge"]["accuracy"] = acc;
        }
    }
    if (!args.json.empty())
        writeJson(args.json, report);
    return kExitOk;
}

const bool registered = registerVerb("experts", [](CLI::App& app) {
    auto args = std::make_shared<ExpertsArgs>();
    CLI::App* sub = app.add_subcommand(
        "experts", "Mixture-of-Experts checkpoints: layout, expert similarity and merge tree per layer, and "
                   "merging similar experts to prune (--merge-to K -o OUT).");
    sub->add_option("path", args->path, "MoE checkpoint (file or Hugging Face folder)")->required();
    sub->add_option("--layer", args->layer, "Only this MoE layer (block index)")->check(CLI::NonNegativeNumber);
    sub->add_option("--by", args->by,
                    "Group by similarity of 'weights' (model-centric) or 'outputs' (data-centric), or 'random' "
                    "groups (a baseline for --merge-to; --seed)")
        ->check(CLI::IsMember({"weights", "outputs", "random"}));
    sub->add_option("--seed", args->seed, "Seed of --by random (layer L uses seed + L)")->default_val(0);
    sub->add_flag("--drop-least-used", args->dropLeastUsed,
                  "Baseline for --merge-to K: keep each layer's K most used experts (usage from --data) and drop "
                  "the others instead of merging");
    sub->add_option("--data", args->data, "Calibration images (HDF5 dataset; repeat to mix several, --calibration from each) for --by "
                    "outputs, usage, router fit")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_option("--calibration", args->calibration, "Calibration images used from --data")
        ->default_val(64)
        ->check(CLI::PositiveNumber);
    sub->add_option("--evaluate", args->evaluate, "Project whose tasks to evaluate the MoE ViT on, before and "
                                                  "after --merge-to");
    sub->add_option("--eval-limit", args->evalLimit, "Test samples per task for --evaluate")->default_val(500);
    sub->add_option("--json", args->json, "Write the JSON report here ('-': stdout, instead of the text)");
    sub->add_option("--threshold", args->threshold, "Show groups of experts with similarity >= this")
        ->check(CLI::Range(0.0, 1.0));
    sub->add_option("--merge-to", args->mergeTo, "Merge each layer's experts into K groups (needs -o)");
    sub->add_option("--average", args->average, "Expert weights of a group: 'plain' or 'usage'-weighted average")
        ->check(CLI::IsMember({"plain", "usage"}));
    sub->add_option("--router", args->router,
                    "Router rows of a group: 'mean', 'usage'-weighted, 'lse' (least-squares fit of the group's "
                    "log-sum-exp logit on router inputs), or 'auto' (lse with --data, else mean)")
        ->check(CLI::IsMember({"auto", "mean", "usage", "lse"}));
    sub->add_option("-o,--output", args->output, "Output checkpoint for --merge-to (folder: config.json updated)");
    sub->add_flag("--layout", args->layoutOnly, "Only print the MoE layout");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runExperts(*args); });
});

} // namespace

} // namespace mergelab::cli
