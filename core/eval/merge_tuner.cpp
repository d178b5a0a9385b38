// MergeTuner: per-tensor merges of in-memory parameters, evaluated on small validation subsets.
#include "eval/merge_tuner.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <sstream>

namespace mergelab {

MergeTuner::MergeTuner(const ModelSet& set, int64_t samplesPerTask, const std::string& split)
{
    m_evaluator = std::make_unique<Evaluator>(set, split, samplesPerTask);
    m_base = readCheckpointTensors(set.base.path);
    for (const ModelEntry& m : set.models) {
        m_models.push_back(readCheckpointTensors(m.path));
        m_modelNames.push_back(m.name);
        for (const auto& [name, tensor] : m_base) {
            auto it = m_models.back().find(name);
            if (it == m_models.back().end())
                throw InputError(m.path, name, "missing (the base has it)");
            if (!it->second.sizes().equals(tensor.sizes()))
                throw InputError(m.path, name, "shape " + std::string(c10::str(it->second.sizes())) +
                                                    " differs from the base's " + std::string(c10::str(tensor.sizes())));
        }
    }
    if (m_models.empty())
        throw InputError(set.projectPath(), {}, "the project has no fine-tuned models to merge");
}

MergeTuner::~MergeTuner() = default;

namespace {

bool hasParam(const MergeMethod& method, const std::string& name)
{
    for (const ParamDef& def : method.params())
        if (def.name == name)
            return true;
    return false;
}

// Everything that decides a merge except lambda: the cache key of the lambda = 1 merge.
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
            key << ';' << i << ':' << name << '=' << value;
    return key.str();
}

} // namespace

std::map<std::string, at::Tensor> MergeTuner::mergeThroughRegistry(const MergeMethod& method, const TensorParams& p,
                                                                   const CancelToken& cancel) const
{
    std::map<std::string, at::Tensor> out;
    std::vector<at::Tensor> inputs(m_models.size());
    for (const auto& [name, base] : m_base) {
        throwIfCancelled(cancel);
        if (!at::isFloatingType(base.scalar_type())) {
            out[name] = base;
            continue;
        }
        // Methods may work in place on the fine-tuned tensors: hand them copies.
        for (std::size_t i = 0; i < m_models.size(); ++i)
            inputs[i] = m_models[i].at(name).clone();
        out[name] = method.merge(name, base, inputs, p);
    }
    return out;
}

std::map<std::string, at::Tensor> MergeTuner::mergeTaskArithmetic(const TensorParams& p, const CancelToken& cancel)
{
    // The registry's rule: base + lambda * sum(w_i tau_i) / (normalize ? sum(w) : 1).
    std::vector<double> coefficients(m_models.size());
    double total = 0;
    for (std::size_t i = 0; i < m_models.size(); ++i)
        total += coefficients[i] = p.model(i, "weight", 1.0);
    if (std::abs(total) < 1e-8)
        total = 1;
    const double scale = p.get("lambda", 1.0) / (p.get("normalize", 0) != 0 ? total : 1.0);
    for (double& c : coefficients)
        c *= scale;
    if (m_taskVectors.empty()) {
        m_taskVectors.resize(m_models.size());
        for (std::size_t i = 0; i < m_models.size(); ++i)
            for (const auto& [name, base] : m_base)
                if (at::isFloatingType(base.scalar_type()))
                    m_taskVectors[i][name] = m_models[i].at(name) - base;
    }
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, base] : m_base) {
        throwIfCancelled(cancel);
        if (!at::isFloatingType(base.scalar_type())) {
            out[name] = base;
            continue;
        }
        at::Tensor merged = base.clone();
        for (std::size_t i = 0; i < m_models.size(); ++i)
            if (coefficients[i] != 0)
                merged.add_(m_taskVectors[i].at(name), coefficients[i]);
        out[name] = merged;
    }
    return out;
}

std::map<std::string, at::Tensor> MergeTuner::merge(const std::string& methodName, const TensorParams& params,
                                                    const CancelToken& cancel)
{
    const MergeMethod* method = findMethod(methodName);
    if (!method)
        throw InputError("unknown merge method \"" + methodName + "\"");
    TensorParams p = params;
    for (const ParamDef& def : method->params())
        if (!p.global.count(def.name))
            p.global[def.name] = def.defaultValue;
    if (p.perModel.size() > m_models.size())
        throw InputError("per-model parameters given for " + std::to_string(p.perModel.size()) + " models, the project has " +
                         std::to_string(m_models.size()));
    p.perModel.resize(m_models.size());
    method->validate(p, static_cast<int>(m_models.size()));

    at::NoGradGuard noGrad;
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (methodName == "task_arithmetic")
        return mergeTaskArithmetic(p, cancel);
    if (!hasParam(*method, "lambda"))
        return mergeThroughRegistry(*method, p, cancel);

    // lambda scales the merged delta (ParamDef "lambda" of the registry): keep the lambda = 1 merge.
    const double lambda = p.global["lambda"];
    const std::string key = keyWithoutLambda(methodName, p);
    if (key != m_unitKey) {
        m_unitKey.clear();
        m_unitDelta.clear();
        TensorParams unit = p;
        unit.global["lambda"] = 1.0;
        std::map<std::string, at::Tensor> merged = mergeThroughRegistry(*method, unit, cancel);
        for (auto& [name, tensor] : merged)
            if (at::isFloatingType(tensor.scalar_type()))
                tensor.sub_(m_base.at(name)); // the registry returns a fresh tensor per name
        m_unitDelta = std::move(merged);
        m_unitKey = key;
    }
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, base] : m_base) {
        throwIfCancelled(cancel);
        const at::Tensor& delta = m_unitDelta.at(name);
        out[name] = at::isFloatingType(base.scalar_type()) ? at::add(base, delta, lambda) : base;
    }
    return out;
}

EvalResult MergeTuner::evaluate(const std::string& method, const TensorParams& params, Progress& progress,
                                const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const std::map<std::string, at::Tensor> merged = merge(method, params, cancel);
    return m_evaluator->evaluateTensors(merged, method, progress, cancel);
}

EvalResult MergeTuner::evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                       Progress& progress, const CancelToken& cancel)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_evaluator->evaluateTensors(tensors, label, progress, cancel);
}

TuneJob::TuneJob(std::shared_ptr<MergeTuner> tuner, std::string method, TensorParams params)
    : m_tuner(std::move(tuner)), m_method(std::move(method)), m_params(std::move(params))
{
}

void TuneJob::run(Progress& progress, const CancelToken& cancel)
{
    m_result = m_tuner->evaluate(m_method, m_params, progress, cancel);
}

} // namespace mergelab
