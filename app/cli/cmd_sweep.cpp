// mergelab-cli sweep: accuracy per task for each value of one merge parameter (e.g. lambda).
#include "cli/cli_verb.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "eval/merge_tuner.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace mergelab::cli {

namespace {

struct SweepArgs {
    std::string project;
    std::string method;
    std::vector<std::string> params;
    std::string split = "val";
    int64_t limit = -1;
    bool json = false;
    bool quiet = false;
};

double parseNumber(const std::string& text, const std::string& what)
{
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v))
            return v;
    } catch (const std::exception&) {}
    throw InputError("--param " + what + ": \"" + text + "\" is not a number");
}

// One evaluation per value of the swept parameter (the others fixed), with a progress bar.
template <typename Result, typename Evaluate>
std::vector<Result> evaluateEach(const SweepArgs& args, MergeTuner& tuner, const std::string& sweptName,
                                 const std::vector<double>& values, const TensorParams& fixed, Evaluate evaluate)
{
    TerminalProgress progress(args.quiet || args.json);
    std::vector<Result> results;
    NullProgress inner;
    for (std::size_t i = 0; i < values.size(); ++i) {
        progress.update(double(i), double(values.size()), sweptName + " = " + std::to_string(values[i]));
        TensorParams p = fixed;
        p.global[sweptName] = values[i];
        results.push_back(evaluate(tuner.recipe(args.method, p), inner));
    }
    progress.update(double(values.size()), double(values.size()), "done");
    progress.finish();
    return results;
}

// Language-model projects: perplexity (and choice accuracy) per task for each value; the best value
// has the lowest mean NLL over the tasks with text (the highest mean accuracy when none has text).
int runLmSweep(const SweepArgs& args, MergeTuner& tuner, const std::string& sweptName,
               const std::vector<double>& values, const TensorParams& fixed)
{
    if (args.limit > 0)
        throw InputError(args.project, {}, "--limit applies to image tasks, not to language-model tasks");
    const std::vector<LmEvalResult> results =
        evaluateEach<LmEvalResult>(args, tuner, sweptName, values, fixed, [&](const Recipe& recipe, Progress& inner) {
            return tuner.evaluateLm(recipe, inner, interruptToken());
        });
    const bool byNll = !std::isnan(results.front().meanNll());
    auto better = [&](const LmEvalResult& a, const LmEvalResult& b) {
        return byNll ? a.meanNll() < b.meanNll() : a.meanAccuracy() > b.meanAccuracy();
    };
    std::size_t best = 0;
    for (std::size_t i = 1; i < results.size(); ++i)
        if (better(results[i], results[best]))
            best = i;
    if (args.json) {
        nlohmann::json j = {{"method", args.method},
                            {"param", sweptName},
                            {"fixed", fixed.global},
                            {"split", args.split},
                            {"values", nlohmann::json::array()}};
        for (std::size_t i = 0; i < values.size(); ++i) {
            nlohmann::json r = nlohmann::json::parse(results[i].toJson());
            r.erase("model");
            r["value"] = values[i];
            j["values"].push_back(r);
        }
        j["best"] = {{"value", values[best]}};
        if (byNll)
            j["best"]["perplexity"] = results[best].perplexity();
        else
            j["best"]["accuracy"] = results[best].meanAccuracy();
        std::cout << j.dump(2) << std::endl;
        return kExitOk;
    }
    std::printf("%s, %s split: perplexity per task for each %s (lower is better)\n%8s", args.method.c_str(),
                args.split.c_str(), sweptName.c_str(), sweptName.c_str());
    for (const LmTaskScore& t : results.front().tasks)
        std::printf(" %11.11s", t.name.c_str());
    std::printf(" %11s\n", byNll ? "geo. mean" : "mean acc");
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::printf("%8.3g", values[i]);
        for (const LmTaskScore& t : results[i].tasks) {
            if (t.hasText())
                std::printf(" %11.3f", t.perplexity());
            else
                std::printf(" %10.1f%%", 100 * t.accuracy);
        }
        if (byNll)
            std::printf(" %11.3f%s\n", results[i].perplexity(), i == best ? "  <- best" : "");
        else
            std::printf(" %10.1f%%%s\n", 100 * results[i].meanAccuracy(), i == best ? "  <- best" : "");
    }
    std::printf("best %s = %g\n", sweptName.c_str(), values[best]);
    return kExitOk;
}

int runSweep(const SweepArgs& args)
{
    const MergeMethod* method = findMethod(args.method);
    if (!method)
        throw InputError("unknown merge method \"" + args.method + "\"");
    TensorParams fixed;
    std::string sweptName;
    std::vector<double> values;
    for (const std::string& item : args.params) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError("--param \"" + item + "\": expected name=value or name=start:stop:step");
        const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
        bool known = name == "seed";
        for (const ParamDef& def : method->params())
            known = known || def.name == name;
        if (!known)
            throw InputError("--param " + name + ": " + args.method + " has no such parameter");
        const auto c1 = value.find(':');
        if (c1 == std::string::npos) {
            fixed.global[name] = parseNumber(value, name);
            continue;
        }
        const auto c2 = value.find(':', c1 + 1);
        if (c2 == std::string::npos || !sweptName.empty())
            throw InputError("--param " + name + ": exactly one parameter may be a range start:stop:step");
        const double start = parseNumber(value.substr(0, c1), name),
                     stop = parseNumber(value.substr(c1 + 1, c2 - c1 - 1), name),
                     step = parseNumber(value.substr(c2 + 1), name);
        if (!(step > 0) || stop < start)
            throw InputError("--param " + name + ": need start <= stop and step > 0");
        sweptName = name;
        for (int i = 0; start + i * step <= stop + step * 1e-6; ++i)
            values.push_back(std::round((start + i * step) * 1e9) / 1e9);
    }
    if (sweptName.empty())
        throw InputError("no range to sweep: give --param name=start:stop:step");

    const ModelSet set = ModelSet::load(args.project);
    MergeTuner tuner(set, args.limit, args.split);
    if (tuner.isLanguageModel())
        return runLmSweep(args, tuner, sweptName, values, fixed);
    const std::vector<EvalResult> results =
        evaluateEach<EvalResult>(args, tuner, sweptName, values, fixed, [&](const Recipe& recipe, Progress& inner) {
            return tuner.evaluate(recipe, inner, interruptToken());
        });
    std::size_t best = 0;
    for (std::size_t i = 1; i < results.size(); ++i)
        if (results[i].average() > results[best].average())
            best = i;

    if (args.json) {
        nlohmann::json j;
        j["method"] = args.method;
        j["param"] = sweptName;
        j["fixed"] = fixed.global;
        j["split"] = args.split;
        j["values"] = nlohmann::json::array();
        for (std::size_t i = 0; i < values.size(); ++i) {
            nlohmann::json tasks = nlohmann::json::array();
            for (const TaskAccuracy& t : results[i].tasks)
                tasks.push_back({{"name", t.name}, {"accuracy", t.accuracy}, {"samples", t.samples}});
            j["values"].push_back({{"value", values[i]}, {"tasks", tasks}, {"average", results[i].average()}});
        }
        j["best"] = {{"value", values[best]}, {"average", results[best].average()}};
        std::cout << j.dump(2) << std::endl;
        return kExitOk;
    }
    std::printf("%s, %s split: accuracy (%%) per task for each %s\n%8s", args.method.c_str(), args.split.c_str(),
                sweptName.c_str(), sweptName.c_str());
    for (const TaskAccuracy& t : results.front().tasks)
        std::printf(" %9.9s", t.name.c_str());
    std::printf(" %9s\n", "average");
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::printf("%8.3g", values[i]);
        for (const TaskAccuracy& t : results[i].tasks)
            std::printf(" %9.2f", 100 * t.accuracy);
        std::printf(" %9.2f%s\n", 100 * results[i].average(), i == best ? "  <- best" : "");
    }
    std::printf("best %s = %g (average %.2f%%)\n", sweptName.c_str(), values[best], 100 * results[best].average());
    return kExitOk;
}

const bool registered = registerVerb("sweep", [](CLI::App& app) {
    auto args = std::make_shared<SweepArgs>();
    auto* sub = app.add_subcommand("sweep", "Accuracy (image tasks) or perplexity (language-model tasks) per task for "
                                            "each value of one merge parameter");
    sub->add_option("project", args->project, "Project file (*.mergelab.json)")->required();
    sub->add_option("--method", args->method, "Merge method (task_arithmetic, ties, dare_ties, ...)")->required();
    sub->add_option("--param", args->params, "name=value, or name=start:stop:step for the swept one (repeatable)")
        ->required();
    sub->add_option("--split", args->split, "Dataset split")->check(CLI::IsMember({"train", "val", "test"}));
    sub->add_option("--limit", args->limit, "Only the first N samples of each task")->check(CLI::PositiveNumber);
    sub->add_flag("--json", args->json, "Print JSON");
    sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
    return std::function<int()>([args] { return runSweep(*args); });
});

} // namespace

} // namespace mergelab::cli
