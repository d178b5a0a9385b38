// From a recipe with a `data` section to the inputs and options of a DataMergeJob.
#include "datamerge/recipe_data.h"

#include "common/error.h"
#include "merge/param_setting.h"

#include <set>

namespace mergelab {

namespace {
const std::set<std::string> kParams = {"alpha", "lambda", "epsilon", "router_hidden", "fisher_argmax"};

DataMergeMethod methodOf(const Recipe& r)
{
    const auto m = parseDataMergeMethod(r.method);
    if (!m)
        throw InputError("'" + r.method + "' is not a merge that learns from data");
    return *m;
}

// A global scalar parameter, or `fallback`.
double scalarParam(const Recipe& r, const std::string& name, double fallback)
{
    auto it = r.params.find(name);
    if (it == r.params.end())
        return fallback;
    if (!it->second.isScalar())
        throw InputError(r.method + ": parameter '" + name + "' must be one number here (no gradients or filters)");
    return *it->second.evaluate(std::string(), 0.0);
}
} // namespace

bool isDataMergeRecipe(const Recipe& recipe)
{
    return parseDataMergeMethod(recipe.method).has_value();
}

void validateDataMergeRecipe(const Recipe& r)
{
    methodOf(r);
    if (!r.data)
        throw InputError(r.method + " learns from data: the recipe needs a 'data' section (project, or config + tasks)");
    for (const auto& [name, setting] : r.params)
        if (!kParams.count(name))
            throw InputError(r.method + ": unknown parameter '" + name +
                             "' (known: alpha, lambda, epsilon, router_hidden, fisher_argmax)");
    if (!r.overrides.empty())
        throw InputError(r.method + ": 'overrides' are not supported by the merges that learn from data");
    for (const RecipeModel& m : r.models)
        if (!m.params.empty())
            throw InputError(r.method + ": per-model parameters are not supported by the merges that learn from data");
    const double alpha = scalarParam(r, "alpha", 0.9);
    if (alpha < 0 || alpha > 1)
        throw InputError(r.method + ": alpha must be in [0, 1]");
    if (r.data->project.empty() && r.data->tasks.size() != r.models.size())
        throw InputError(r.method + ": 'data.tasks' needs one task per model (" + std::to_string(r.models.size()) +
                         " models, " + std::to_string(r.data->tasks.size()) + " tasks)");
    if (r.data->project.empty() && r.base.empty())
        throw InputError(r.method + " needs a base model (recipe 'base', or a project in 'data')");
}

ModelSet dataMergeProject(const Recipe& r)
{
    validateDataMergeRecipe(r);
    const RecipeData& d = *r.data;
    ModelSet set;
    if (!d.project.empty()) {
        set = ModelSet::load(d.project);
        if (!r.base.empty())
            set.base.path = r.base;
        if (!r.models.empty()) {
            if (r.models.size() != set.models.size())
                throw InputError(d.project, {}, "the recipe lists " + std::to_string(r.models.size()) +
                                                     " models, the project " + std::to_string(set.models.size()) +
                                                     " (they are paired in order with the project's tasks)");
            for (std::size_t i = 0; i < r.models.size(); ++i)
                set.models[i].path = r.models[i].path;
        }
        if (!d.config.empty())
            set.architecture = {"clip_vit", d.config, {}};
        return set;
    }
    set.name = "recipe";
    set.architecture = {"clip_vit", d.config, {}};
    set.base = {"base", r.base};
    for (std::size_t i = 0; i < r.models.size(); ++i) {
        const RecipeDataTask& t = d.tasks[i];
        TaskEntry task;
        task.name = t.name.empty() ? "task" + std::to_string(i + 1) : t.name;
        task.dataset = t.dataset;
        task.head = t.head;
        task.headTensor = t.headTensor;
        task.headBias = t.headBias;
        task.normalize = t.normalize;
        set.tasks.push_back(task);
        set.models.push_back({task.name, r.models[i].path, {}, task.name});
    }
    return set;
}

std::string dataMergeSplit(const Recipe& r)
{
    return r.data && !r.data->split.empty() ? r.data->split : defaultDataSplit(methodOf(r));
}

int64_t dataMergeSamples(const Recipe& r)
{
    if (r.data && r.data->samples > 0)
        return r.data->samples;
    const DataMergeMethod m = methodOf(r);
    return m == DataMergeMethod::Fisher || m == DataMergeMethod::RegMean ? 256 : -1;
}

DataMergeRequest dataMergeRequest(const Recipe& r, const std::string& output)
{
    validateDataMergeRecipe(r);
    const RecipeData& d = *r.data;
    DataMergeRequest q;
    q.method = methodOf(r);
    q.output = output;
    const uint64_t seed = d.seed ? *d.seed : r.seed;
    const int64_t samples = dataMergeSamples(r);
    if (samples > 0) {
        q.fisher.samplesPerTask = samples;
        q.regmean.samplesPerTask = samples;
    }
    q.fisher.seed = seed;
    q.fisher.epsilon = scalarParam(r, "epsilon", q.fisher.epsilon);
    q.fisher.label = scalarParam(r, "fisher_argmax", 0) != 0 ? "argmax" : "sample";
    q.regmean.alpha = scalarParam(r, "alpha", q.regmean.alpha);
    q.ada.initLambda = scalarParam(r, "lambda", q.ada.initLambda);
    q.wemoe.model.initLambda = scalarParam(r, "lambda", q.wemoe.model.initLambda);
    q.wemoe.model.routerHidden = static_cast<int64_t>(scalarParam(r, "router_hidden", 0));
    for (TrainOptions* t : {&q.ada.train, &q.wemoe.train}) {
        if (d.steps >= 0)
            t->steps = d.steps;
        if (d.learningRate > 0)
            t->learningRate = d.learningRate;
        if (d.batch > 0)
            t->batchSize = d.batch;
        t->seed = seed;
    }
    return q;
}

} // namespace mergelab
