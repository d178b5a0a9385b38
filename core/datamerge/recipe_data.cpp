// From a recipe with a `data` section to the inputs and options of a DataMergeJob.
#include "datamerge/recipe_data.h"

#include "common/error.h"
#include "merge/param_setting.h"

namespace mergelab {

namespace {
DataMergeMethod methodOf(const Recipe& r)
{
    const auto m = parseDataMergeMethod(r.method);
    if (!m)
        throw InputError("'" + r.method + "' is not a merge that learns from data");
    return *m;
}

// The recipe's global parameters as spec values (one number each: no gradients or filters here).
std::map<std::string, double> scalarParams(const Recipe& r)
{
    std::map<std::string, double> values;
    for (const auto& [name, setting] : r.params) {
        if (!setting.isScalar())
            throw InputError(r.method + ": parameter '" + name + "' must be one number here (no gradients or filters)");
        values[name] = *setting.evaluate(std::string(), 0.0);
    }
    return values;
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
        throw InputError(r.method +
                         " learns from data: the recipe needs a 'data' section (project, or config + tasks)");
    if (!r.overrides.empty())
        throw InputError(r.method + ": 'overrides' are not supported by the merges that learn from data");
    for (const RecipeModel& m : r.models)
        if (!m.params.empty())
            throw InputError(r.method + ": per-model parameters are not supported by the merges that learn from data");
    DataMergeSpec spec;
    spec.method = methodOf(r);
    spec.values = scalarParams(r);
    spec.validate();
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
                throw InputError(d.project, {},
                                 "the recipe lists " + std::to_string(r.models.size()) + " models, the project " +
                                     std::to_string(set.models.size()) +
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

DataMergeSpec dataMergeSpec(const Recipe& r, const std::string& output)
{
    validateDataMergeRecipe(r);
    const RecipeData& d = *r.data;
    DataMergeSpec spec;
    spec.method = methodOf(r);
    spec.values = scalarParams(r);
    spec.split = d.split;
    spec.output = output;
    // The `data` knobs: negative means "the method's default" (RecipeData).
    if (d.samples > 0)
        spec.values["samples"] = static_cast<double>(d.samples);
    if (d.steps >= 0)
        spec.values["steps"] = static_cast<double>(d.steps);
    if (d.learningRate > 0)
        spec.values["lr"] = d.learningRate;
    if (d.batch > 0)
        spec.values["batch"] = static_cast<double>(d.batch);
    spec.values["seed"] = static_cast<double>(d.seed ? *d.seed : r.seed);
    spec.validate();
    return spec;
}

} // namespace mergelab
