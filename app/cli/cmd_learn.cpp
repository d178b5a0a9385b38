// mergelab-cli learn-merge: the merges that learn from data (Fisher, RegMean, AdaMerging, WEMoE)
// on a project's native ViT, fine-tunes, heads and datasets.
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "datamerge/data_merge_job.h"
#include "eval/evaluator.h"
#include "io/model_set.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

namespace mergelab::cli {

namespace {

struct LearnArgs {
    std::string project;
    std::string method = "wemoe";
    std::string output;
    std::string split;                    // "" = the method's default
    std::map<std::string, double> values; // the parameters given as flags
    std::string evalSplit;
    int64_t evalLimit = -1;
    std::string report;
    int workers = 0;
    bool dryRun = false;
    bool quiet = false;
};

// --report: per-step loss and coefficients, the final λ, and for WEMoE the mean routing weight per
// (input task, block, task vector) on each task's first 500 inputs of the method's split.
void writeReport(const std::string& path, const DataMergeJob& job, DataMergeMethod method, double seconds,
                 const DataMergeInputs& in)
{
    nlohmann::json j = {{"method", dataMergeMethodName(method)}, {"seconds", seconds}};
    nlohmann::json steps = nlohmann::json::array();
    for (const StepReport& r : job.steps())
        steps.push_back({{"step", r.step}, {"loss", r.loss}, {"coefficients", r.coefficients}});
    j["steps"] = std::move(steps);
    if (job.lambdas().defined()) {
        at::Tensor l = job.lambdas().to(at::kDouble).contiguous();
        if (l.dim() == 1) {
            j["lambdas"] = std::vector<double>(l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
        } else {
            nlohmann::json rows = nlohmann::json::array();
            for (int64_t i = 0; i < l.size(0); ++i)
                rows.push_back(std::vector<double>(l[i].data_ptr<double>(), l[i].data_ptr<double>() + l.size(1)));
            j["lambdas"] = std::move(rows);
            j["lambda_tensors"] = vitParameterNames(in.config);
        }
    }
    if (job.wemoe()) {
        nlohmann::json routing = nlohmann::json::object();
        for (const EvalTask& t : in.tasks) {
            at::Tensor r = meanRouting(*job.wemoe(), t.inputs.slice(0, 0, std::min<int64_t>(500, t.inputs.size(0))),
                                       256, interruptToken())
                               .to(at::kDouble)
                               .contiguous();
            nlohmann::json rows = nlohmann::json::array();
            for (int64_t layer = 0; layer < r.size(0); ++layer)
                rows.push_back(
                    std::vector<double>(r[layer].data_ptr<double>(), r[layer].data_ptr<double>() + r.size(1)));
            routing[t.name] = std::move(rows);
        }
        j["routing"] = std::move(routing);
        j["tasks"] = job.wemoe()->config().taskNames;
    }
    std::ofstream out(path);
    out << j.dump(1) << "\n";
    if (!out.flush())
        throw IoError(path, {}, "cannot write the report");
}

int runLearn(const LearnArgs& args)
{
    DataMergeSpec spec = dataMergeSpecFor(args.method);
    spec.split = args.split;
    spec.values = args.values;
    spec.output = args.output;
    spec.workers = args.workers;
    spec.validate();
    if (args.dryRun) {
        std::cout << spec.resolvedJson() << std::endl;
        return kExitOk;
    }
    const DataMergeMethod method = spec.method;
    const ModelSet set = ModelSet::load(args.project);

    DataMergeJob job(set, spec);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const double seconds = job.seconds(); // the merge itself, without loading
    std::cerr << dataMergeMethodName(method) << ": " << seconds << " s"
              << (args.output.empty() ? "" : ", wrote " + args.output) << std::endl;
    if (!args.report.empty())
        writeReport(args.report, job, method, seconds, *job.inputs());

    if (args.evalSplit.empty())
        return kExitOk;
    EvalResult result;
    TerminalProgress evalProgress(args.quiet);
    if (job.wemoe()) {
        WeMoeBackbone backbone(job.wemoe());
        result = evaluateBackbone(backbone, loadEvalTasks(set, args.evalSplit, args.evalLimit), 64, evalProgress,
                                  interruptToken());
        result.split = args.evalSplit;
    } else {
        Evaluator evaluator(set, args.evalSplit, args.evalLimit);
        result = evaluator.evaluateTensors(job.merged(), dataMergeMethodName(method), evalProgress, interruptToken());
    }
    evalProgress.finish();
    result.checkpoint = args.output.empty() ? dataMergeMethodName(method) : args.output;
    std::cout << result.toJson() << std::endl;
    return kExitOk;
}

const bool registered = registerVerb("learn-merge", [](CLI::App& app) {
    auto args = std::make_shared<LearnArgs>();
    CLI::App* sub = app.add_subcommand(
        "learn-merge", "Merges that learn from data on a project's native ViT: fisher, regmean, adamerging "
                       "(task-wise), adamerging-layerwise, wemoe. See docs/learned-merges.md.");
    sub->add_option("--project", args->project,
                    "Project file (*.mergelab.json) with clip_vit architecture, heads and datasets")
        ->required();
    sub->add_option("-m,--method", args->method, "fisher | regmean | adamerging | adamerging-layerwise | wemoe")
        ->default_val("wemoe");
    sub->add_option("-o,--output", args->output, "Merged .safetensors file (wemoe: a folder)");
    sub->add_option("--split", args->split,
                    "Dataset split the method reads (default: train for fisher/regmean, test otherwise)");
    // One flag per parameter of the learned merges; help and defaults from the spec's table.
    for (const std::string& name : dataMergeParamNames()) {
        if (name == "fisher_argmax")
            continue; // --fisher-label below
        std::string flag = "--" + name;
        std::replace(flag.begin(), flag.end(), '_', '-');
        sub->add_option_function<double>(
            flag, [args, name](const double& v) { args->values[name] = v; }, dataMergeParamHelp(name));
    }
    sub->add_option_function<std::string>(
           "--fisher-label", [args](const std::string& v) { args->values["fisher_argmax"] = v == "argmax" ? 1 : 0; },
           "sample (y ~ p(y|x), default) | argmax")
        ->check(CLI::IsMember({"sample", "argmax"}));
    sub->add_option("--eval", args->evalSplit, "Evaluate the result on this split and print JSON");
    sub->add_option("--eval-limit", args->evalLimit, "Samples per task for --eval (default: all)");
    sub->add_option("--report", args->report,
                    "Write JSON: loss and coefficients per step, final lambdas, WEMoE mean routing per task");
    sub->add_option("--workers", args->workers, "Tasks computed side by side per step (default 0: one per core)");
    sub->add_flag("--dry-run", args->dryRun, "Print the merge's spec with every default filled in (JSON) and exit");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runLearn(*args); });
});

} // namespace

} // namespace mergelab::cli
