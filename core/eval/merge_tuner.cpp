// MergeTuner: recipes merged over in-memory parameters by the export's MergePlan, evaluated on
// small validation subsets.
#include "eval/merge_tuner.h"

#include "common/error.h"
#include "eval/lm_evaluator.h"
#include "io/memory_checkpoint.h"
#include "merge/method_task_arithmetic.h"
#include "merge/task_arithmetic.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace mergelab {

struct MergeTuner::LmInputs {
    ModelSet set;
    std::string split;
    CausalLmConfig config;
    std::unique_ptr<Tokenizer> tokenizer;
};

MergeTuner::MergeTuner(const ModelSet& set, int64_t samplesPerTask, const std::string& split)
{
    if (hasLmTasks(set) && set.architecture.type.empty()) {
        m_lm = std::make_unique<LmInputs>();
        m_lm->set = set;
        m_lm->split = split;
        m_lm->config = loadModelConfig(set.base.path);
        m_lm->tokenizer = Tokenizer::open(set.base.path);
    } else {
        m_evaluator = std::make_unique<Evaluator>(set, split, samplesPerTask);
    }
    m_base = readCheckpointTensors(set.base.path);
    m_basePath = set.base.path;
    m_sources.base = std::make_shared<MemoryCheckpoint>(set.base.path, m_base);
    for (const ModelEntry& m : set.models) {
        m_models.push_back(readCheckpointTensors(m.path));
        m_modelNames.push_back(m.name);
        m_modelPaths.push_back(m.path);
        for (const auto& [name, tensor] : m_base) {
            auto it = m_models.back().find(name);
            if (it == m_models.back().end())
                throw InputError(m.path, name, "missing (the base has it)");
            if (!it->second.sizes().equals(tensor.sizes()))
                throw InputError(m.path, name,
                                 "shape " + std::string(c10::str(it->second.sizes())) + " differs from the base's " +
                                     std::string(c10::str(tensor.sizes())));
        }
        m_sources.models.push_back(std::make_shared<MemoryCheckpoint>(m.path, m_models.back()));
    }
    if (m_models.empty())
        throw InputError(set.projectPath(), {}, "the project has no fine-tuned models to merge");
}

MergeTuner::~MergeTuner() = default;

namespace {

bool samePath(const std::string& a, const std::string& b)
{
    namespace fs = std::filesystem;
    return a == b || fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
}

// Everything that decides a tensor's merged delta except lambda: the key of the kept delta.
std::string keyWithoutLambda(const std::string& method, const TensorParams& p)
{
    std::ostringstream key;
    key.precision(17);
    key << method;
    for (const auto& [name, value] : p.global)
        if (name != "lambda")
            key << ';' << name << '=' << value;
    for (std::size_t i = 0; i < p.perModel.size(); ++i)
        for (const auto& [name, value] : p.perModel[i])
            if (name != "lambda")
                key << ';' << i << ':' << name << '=' << value;
    return key.str();
}

} // namespace

Recipe MergeTuner::recipe(const std::string& method, const TensorParams& params) const
{
    if (params.perModel.size() > m_models.size())
        throw InputError("per-model parameters given for " + std::to_string(params.perModel.size()) +
                         " models, the project has " + std::to_string(m_models.size()));
    Recipe r;
    r.method = method;
    r.base = m_basePath;
    for (std::size_t i = 0; i < m_models.size(); ++i) {
        RecipeModel m;
        m.path = m_modelPaths[i];
        if (i < params.perModel.size())
            for (const auto& [name, value] : params.perModel[i])
                m.params[name] = ParamSetting(value);
        r.models.push_back(std::move(m));
    }
    for (const auto& [name, value] : params.global) {
        if (name != "seed") {
            r.params[name] = ParamSetting(value);
            continue;
        }
        if (!(value >= 0 && value < 1.8e19) || value != std::floor(value))
            throw InputError("seed = " + std::to_string(value) + ": expected a whole number >= 0");
        r.seed = static_cast<uint64_t>(value);
    }
    return r;
}

void MergeTuner::checkInputs(const Recipe& recipe) const
{
    if (recipe.models.size() != m_models.size())
        throw InputError("the recipe merges " + std::to_string(recipe.models.size()) + " models, the project has " +
                         std::to_string(m_models.size()));
    if (!recipe.base.empty() && !samePath(recipe.base, m_basePath))
        throw InputError(recipe.base, {}, "the live tuner holds the base " + m_basePath + ", not this file");
    for (std::size_t i = 0; i < m_models.size(); ++i)
        if (!recipe.models[i].path.empty() && !samePath(recipe.models[i].path, m_modelPaths[i]))
            throw InputError(recipe.models[i].path, {},
                             "the live tuner holds " + m_modelPaths[i] + " as model " + std::to_string(i + 1));
}

std::map<std::string, at::Tensor> MergeTuner::merge(const Recipe& recipe, const CancelToken& cancel)
{
    checkInputs(recipe);
    MergeOptions options;
    options.threads = 1;
    const MergePlan plan(recipe, m_sources, options); // validates every tensor's parameters
    const auto* family = dynamic_cast<const TaskArithmeticFamily*>(&plan.method());

    at::NoGradGuard noGrad;
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (family && m_taskVectors.empty()) {
        std::vector<std::map<std::string, at::Tensor>> taskVectors(m_models.size());
        for (std::size_t i = 0; i < m_models.size(); ++i)
            for (const auto& [name, base] : m_base)
                if (at::isFloatingType(base.scalar_type()))
                    taskVectors[i][name] = at::sub(m_models[i].at(name), base); // the family's models[i].sub_(base)
        m_taskVectors = std::move(taskVectors);
    }
    NonFiniteCounter nonFinite;
    std::map<std::string, at::Tensor> out;
    std::vector<at::Tensor> taskVectors(m_models.size());
    for (const PlannedTensor& t : plan.tensors()) {
        throwIfCancelled(cancel);
        const std::string& name = t.output.name;
        const at::Tensor& base = m_base.at(name);
        if (t.copy) {
            out[name] = base;
            continue;
        }
        if (!family) {
            out[name] = plan.mergeTensor(t, nonFinite); // the export's own per-tensor merge
            continue;
        }
        // The family's merge() is applyTaskVector(base, mergeTaskVectors(...), lambda): the same
        // calls on kept task vectors and a kept delta give the export's tensor.
        const TensorParams params = plan.paramsFor(t);
        const std::string key = keyWithoutLambda(recipe.method, params);
        KeptDelta& kept = m_kept[name];
        if (kept.key != key || !kept.delta.defined()) {
            for (std::size_t i = 0; i < taskVectors.size(); ++i)
                taskVectors[i] = m_taskVectors[i].at(name);
            kept.key.clear();
            kept.delta = family->mergeTaskVectors(name, taskVectors, params, /*overwrite=*/false);
            kept.key = key;
        }
        out[name] = applyTaskVector(base, kept.delta, params.get("lambda", 1.0), /*overwrite=*/false);
    }
    return out;
}

EvalResult MergeTuner::evaluate(const Recipe& recipe, Progress& progress, const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::map<std::string, at::Tensor> merged = merge(recipe, cancel);
    (void)evaluator(); // the one-line error for language-model projects
    return m_evaluator->evaluateTensors(merged, recipe.method, progress, cancel);
}

EvalResult MergeTuner::evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                       Progress& progress, const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    (void)evaluator();
    return m_evaluator->evaluateTensors(tensors, label, progress, cancel);
}

const Evaluator& MergeTuner::evaluator() const
{
    if (!m_evaluator)
        throw InputError(m_basePath, {}, "a language-model project: its tasks are scored by perplexity, not images");
    return *m_evaluator;
}

const MergeTuner::LmInputs& MergeTuner::lmInputs() const
{
    if (!m_lm)
        throw InputError(m_basePath, {}, "not a language-model project (no task has text or choices)");
    return *m_lm;
}

LmEvalResult MergeTuner::evaluateLm(const Recipe& recipe, Progress& progress, const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const LmInputs& lm = lmInputs();
    const std::map<std::string, at::Tensor> merged = merge(recipe, cancel);
    const CausalLm model(lm.config, merged, recipe.method);
    LmEvalResult result = evaluateLmTasks(model, *lm.tokenizer, lm.set, lm.split, progress, cancel);
    result.model = recipe.method;
    return result;
}

LmEvalResult MergeTuner::evaluateLmTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                           Progress& progress, const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const LmInputs& lm = lmInputs();
    const CausalLm model(lm.config, tensors, label);
    LmEvalResult result = evaluateLmTasks(model, *lm.tokenizer, lm.set, lm.split, progress, cancel);
    result.model = label;
    return result;
}

LmCompletion MergeTuner::generateLm(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                    const std::string& prompt, const GenerateOptions& options,
                                    const CancelToken& cancel) const
{
    const LmInputs& lm = lmInputs();
    const CausalLm model(lm.config, tensors, label);
    LmCompletion completion = completePrompt(model, *lm.tokenizer, prompt, options, cancel);
    completion.model = label;
    return completion;
}

LmCompletion MergeTuner::generateLm(const Recipe& recipe, const std::string& prompt, const GenerateOptions& options,
                                    const CancelToken& cancel)
{
    (void)lmInputs();
    const std::map<std::string, at::Tensor> merged = merge(recipe, cancel);
    return generateLm(merged, recipe.method, prompt, options, cancel);
}

TuneJob::TuneJob(std::shared_ptr<MergeTuner> tuner, Recipe recipe)
    : m_tuner(std::move(tuner)), m_recipe(std::move(recipe))
{}

void TuneJob::run(Progress& progress, const CancelToken& cancel)
{
    m_result = m_tuner->evaluate(m_recipe, progress, cancel);
}

} // namespace mergelab
