// mergelab-cli experts: MoE layout, expert redundancy (similarity, merge tree, groups) and merge-to-K.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "eval/lm_evaluator.h"
#include "io/model_set.h"
#include "io/checkpoint.h"
#include "moe/btx_router.h"
#include "moe/expert_merge_job.h"
#include "moe/expert_report.h"
#include "moe/moe_layout.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct ExpertsArgs {
    ExpertMergeSpec spec; // flags bound to its fields; its defaults are the ones --help shows
    std::string by = expertGroupingName(ExpertMergeSpec().by);
    std::string average = ExpertMergeSpec().usageWeighted ? "usage" : "plain";
    std::string router = "auto"; // ExpertMergeSpec::router unset: the core decides
    std::string evaluate;
    int64_t evalLimit = 500;
    std::string json;
    bool layoutOnly = false;
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

// The flags as the core's spec: the spec checks them, the job decides and runs.
ExpertMergeSpec specOf(const ExpertsArgs& args)
{
    ExpertMergeSpec spec = args.spec;
    spec.by = parseExpertGrouping(args.by);
    spec.usageWeighted = args.average == "usage";
    if (args.router != "auto")
        spec.router = parseRouterRule(args.router);
    return spec;
}

int runExperts(const ExpertsArgs& args)
{
    const ExpertMergeSpec spec = specOf(args);
    if (!args.evaluate.empty() && spec.targetExperts == 0)
        throw InputError("--evaluate is for --merge-to K (accuracy before and after)");
    spec.validate();
    if (args.layoutOnly) {
        std::cout << describeMoeLayout(detectMoeLayout(*Checkpoint::open(spec.input)));
        return kExitOk;
    }

    ExpertMergeJob job(spec);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const ExpertMergeOutcome& outcome = job.outcome();
    std::cout << describeMoeLayout(outcome.layout);
    if (args.json != "-")
        std::cout << formatExpertReport(outcome.layers);
    nlohmann::json report = expertReportJson(spec.input, outcome.layout, outcome.layers);

    if (outcome.merged) {
        const ExpertMergeResult& result = outcome.merge;
        if (args.json != "-")
            std::cout << formatMergeResult(result, outcome.router);
        addMergeToJson(report, result, outcome.router);
        if (!args.evaluate.empty() && hasLmTasks(ModelSet::load(args.evaluate))) {
            // Perplexity before and after merging, on the project's test texts.
            const ModelSet set = ModelSet::load(args.evaluate);
            TerminalProgress evalProgress(args.quiet);
            const LmEvalResult before = evaluateLmModel(spec.input, set, "test", evalProgress, interruptToken());
            const LmEvalResult after = evaluateLmModel(result.path, set, "test", evalProgress, interruptToken());
            evalProgress.finish();
            nlohmann::json ppl = nlohmann::json::array();
            for (std::size_t t = 0; t < before.tasks.size(); ++t) {
                if (!before.tasks[t].hasText())
                    continue;
                if (args.json != "-")
                    std::printf("  %-12s perplexity before %.3f  after %.3f\n", before.tasks[t].name.c_str(),
                                before.tasks[t].perplexity(), after.tasks[t].perplexity());
                ppl.push_back({{"task", before.tasks[t].name},
                               {"before", before.tasks[t].perplexity()},
                               {"after", after.tasks[t].perplexity()}});
            }
            if (args.json != "-")
                std::printf("  %-12s perplexity before %.3f  after %.3f  (geometric mean; lower is better)\n",
                            "average", before.perplexity(), after.perplexity());
            report["merge"]["perplexity"] = ppl;
        } else if (!args.evaluate.empty()) {
            // Accuracy retained: the MoE ViT before and after merging, on the project's tasks.
            TerminalProgress evalProgress(args.quiet);
            const EvalResult before =
                evaluateMoeVit(spec.input, args.evaluate, "test", args.evalLimit, evalProgress, interruptToken());
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
    sub->add_option("path", args->spec.input, "MoE checkpoint (file or Hugging Face folder)")->required();
    sub->add_option("--layer", args->spec.layer, "Only this MoE layer (block index)")->check(CLI::NonNegativeNumber);
    sub->add_option("--by", args->by,
                    "Group by similarity of 'weights' (model-centric) or 'outputs' (data-centric), or 'random' "
                    "groups (a baseline for --merge-to; --seed)")
        ->capture_default_str()
        ->check(CLI::IsMember({"weights", "outputs", "random"}));
    sub->add_option("--seed", args->spec.seed, "Seed of --by random (layer L uses seed + L)")->capture_default_str();
    sub->add_flag("--drop-least-used", args->spec.dropLeastUsed,
                  "Baseline for --merge-to K: keep each layer's K most used experts (usage from --data) and drop "
                  "the others instead of merging");
    sub->add_option("--data", args->spec.calibrationData,
                    "Calibration data for --by outputs, usage and the router fit: images (HDF5 dataset, MoE ViT; "
                    "--calibration from each) or text (a .txt file, Mixtral / Qwen2-MoE; --calibration-tokens from "
                    "each); repeat to mix several")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sub->add_option("--calibration", args->spec.calibrationImages, "Calibration images used from --data")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    sub->add_option("--calibration-tokens", args->spec.calibrationTokens, "Calibration tokens used from each text")
        ->capture_default_str();
    sub->add_option("--context", args->spec.calibrationContext, "Tokens per calibration text window")
        ->capture_default_str();
    sub->add_option("--evaluate", args->evaluate,
                    "Project whose tasks to evaluate the MoE on, before and after --merge-to (accuracy; "
                    "perplexity for language-model projects)");
    sub->add_option("--eval-limit", args->evalLimit, "Test samples per task for --evaluate")->default_val(500);
    sub->add_option("--json", args->json, "Write the JSON report here ('-': stdout, instead of the text)");
    sub->add_option("--threshold", args->spec.threshold, "Show groups of experts with similarity >= this")
        ->check(CLI::Range(0.0, 1.0));
    sub->add_option("--merge-to", args->spec.targetExperts, "Merge each layer's experts into K groups (needs -o)");
    sub->add_option("--average", args->average, "Expert weights of a group: 'plain' or 'usage'-weighted average")
        ->capture_default_str()
        ->check(CLI::IsMember({"plain", "usage"}));
    sub->add_option("--router", args->router,
                    "Router rows of a group: 'mean', 'usage'-weighted, 'lse' (least-squares fit of the group's "
                    "log-sum-exp logit on router inputs), or 'auto' (lse with --data, else mean)")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "mean", "usage", "lse"}));
    sub->add_option("-o,--output", args->spec.output, "Output checkpoint for --merge-to (folder: config.json updated)");
    sub->add_flag("--layout", args->layoutOnly, "Only print the MoE layout");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runExperts(*args); });
});

} // namespace

} // namespace mergelab::cli
