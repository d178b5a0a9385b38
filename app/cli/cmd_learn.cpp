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

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

namespace mergelab::cli {

namespace {

struct LearnArgs {
    std::string project;
    std::string method = "wemoe";
    std::string output;
    std::string split; // "" = the method's default
    int64_t samples = -1;
    int64_t steps = -1;
    double learningRate = -1;
    int64_t batch = -1;
    uint64_t seed = 0;
    double alpha = 0.9;
    double lambda = 0.3;
    std::string fisherLabel = "sample";
    std::string evalSplit;
    int64_t evalLimit = -1;
    std::string report;
    int workers = 0;
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
            at::Tensor r = meanRouting(*job.wemoe(), t.inputs.slice(0, 0, std::min<int64_t>(500, t.inputs.size(0))), 256,
                                       interruptToken())
                               .to(at::kDouble)
                               .contiguous();
            nlohmann::json rows = nlohmann::json::array();
            for (int64_t layer = 0; layer < r.size(0); ++layer)
                rows.push_back(std::vector<double>(r[layer].data_ptr<double>(), r[layer].data_ptr<double>() + r.size(1)));
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
    const auto method = parseDataMergeMethod(args.method);
    if (!method)
        throw InputError("unknown method \"" + args.method +
                         "\" (fisher, regmean, adamerging, adamerging-layerwise, wemoe)");
    const ModelSet set = ModelSet::load(args.project);
    const std::string split = args.split.empty() ? defaultDataSplit(*method) : args.split;
    // Fisher / RegMean read `samples` per task; the learned merges adapt on up to `samples` inputs.
    const int64_t defaultSamples = *method == DataMergeMethod::Fisher || *method == DataMergeMethod::RegMean ? 256 : -1;
    const int64_t samples = args.samples > 0 ? args.samples : defaultSamples;
    auto inputs = std::make_shared<DataMergeInputs>(loadDataMergeInputs(set, split, samples));

    DataMergeRequest request;
    request.method = *method;
    request.output = args.output;
    request.fisher.label = args.fisherLabel;
    request.fisher.seed = args.seed;
    if (samples > 0) {
        request.fisher.samplesPerTask = samples;
        request.regmean.samplesPerTask = samples;
    }
    request.regmean.alpha = args.alpha;
    request.ada.initLambda = args.lambda;
    request.wemoe.model.initLambda = args.lambda;
    for (TrainOptions* t : {&request.ada.train, &request.wemoe.train}) {
        if (args.steps >= 0)
            t->steps = args.steps;
        if (args.learningRate > 0)
            t->learningRate = args.learningRate;
        if (args.batch > 0)
            t->batchSize = args.batch;
        t->seed = args.seed;
        t->workers = args.workers;
    }
    request.fisher.workers = args.workers;

    const auto start = std::chrono::steady_clock::now();
    DataMergeJob job(inputs, request);
    TerminalProgress progress(args.quiet);
    job.run(progress, interruptToken());
    progress.finish();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << dataMergeMethodName(*method) << ": " << seconds << " s" << (args.output.empty() ? "" : ", wrote " + args.output)
              << std::endl;
    if (!args.report.empty())
        writeReport(args.report, job, *method, seconds, *inputs);
    inputs.reset();

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
        result = evaluator.evaluateTensors(job.merged(), dataMergeMethodName(*method), evalProgress, interruptToken());
    }
    evalProgress.finish();
    result.checkpoint = args.output.empty() ? dataMergeMethodName(*method) : args.output;
    std::cout << result.toJson() << std::endl;
    return kExitOk;
}

const bool registered = registerVerb("learn-merge", [](CLI::App& app) {
    auto args = std::make_shared<LearnArgs>();
    CLI::App* sub = app.add_subcommand(
        "learn-merge", "Merges that learn from data on a project's native ViT: fisher, regmean, adamerging "
                       "(task-wise), adamerging-layerwise, wemoe. See docs/learned-merges.md.");
    sub->add_option("--project", args->project, "Project file (*.mergelab.json) with clip_vit architecture, heads and datasets")
        ->required();
    sub->add_option("-m,--method", args->method, "fisher | regmean | adamerging | adamerging-layerwise | wemoe")
        ->default_val("wemoe");
    sub->add_option("-o,--output", args->output, "Merged .safetensors file (wemoe: a folder)");
    sub->add_option("--split", args->split, "Dataset split the method reads (default: train for fisher/regmean, test otherwise)");
    sub->add_option("--samples", args->samples, "Inputs per task (default: 256 for fisher/regmean, all otherwise)");
    sub->add_option("--steps", args->steps, "Training steps (default: 100 adamerging, 1000 wemoe)");
    sub->add_option("--lr", args->learningRate, "Adam learning rate (default: 1e-3 adamerging, 1e-4 wemoe)");
    sub->add_option("--batch", args->batch, "Inputs per task and step (default 16)");
    sub->add_option("--seed", args->seed, "Seed (Fisher labels, batches, router init)")->default_val(0);
    sub->add_option("--alpha", args->alpha, "RegMean off-diagonal scale")->default_val(0.9)->check(CLI::Range(0.0, 1.0));
    sub->add_option("--lambda", args->lambda, "Initial / task-arithmetic coefficient")->default_val(0.3);
    sub->add_option("--fisher-label", args->fisherLabel, "sample (y ~ p(y|x), default) | argmax")->default_val("sample");
    sub->add_option("--eval", args->evalSplit, "Evaluate the result on this split and print JSON");
    sub->add_option("--eval-limit", args->evalLimit, "Samples per task for --eval (default: all)");
    sub->add_option("--report", args->report,
                    "Write JSON: loss and coefficients per step, final lambdas, WEMoE mean routing per task");
    sub->add_option("--workers", args->workers, "Tasks computed side by side per step (default 0: one per core)");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runLearn(*args); });
});

} // namespace

} // namespace mergelab::cli
