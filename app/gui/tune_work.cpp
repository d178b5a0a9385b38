#include "tune_work.h"

#include "common/error.h"
#include "eval/merge_tuner.h"
#include "merge/param_setting.h"

#include <ATen/ATen.h>

#include <chrono>
#include <mutex>

namespace mergelab::gui {

// The Evaluator is not thread-safe and a superseded job may still be running when the next starts.
struct FullValidation {
    std::mutex mutex;
    std::unique_ptr<Evaluator> evaluator;
};

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Parameters of one tensor: defaults, the state's globals, then the first matching override per
// parameter (the merge engine's rule for recipe overrides).
TensorParams paramsFor(const MergeMethod& method, const TuneState& state, const std::string& tensor,
                       const std::vector<ParamSetting>& conditions)
{
    TensorParams p;
    for (const ParamDef& def : method.params()) {
        auto it = state.global.find(def.name);
        p.global[def.name] = it != state.global.end() ? it->second : def.defaultValue;
    }
    std::map<std::string, bool> taken;
    for (std::size_t i = 0; i < state.overrides.size(); ++i) {
        const TuneOverride& o = state.overrides[i];
        if (taken[o.param] || !conditions[i].evaluate(tensor, 0.0))
            continue;
        p.global[o.param] = o.value;
        taken[o.param] = true;
    }
    p.global["seed"] = 0;
    p.perModel = state.perModel;
    return p;
}

// The state merged tensor by tensor from the tuner's in-memory inputs (overrides per tensor).
std::map<std::string, at::Tensor> mergeState(const MergeTuner& tuner, const TuneState& state, const CancelToken& cancel)
{
    const MergeMethod* method = findMethod(state.method);
    if (!method)
        throw InputError("unknown merge method \"" + state.method + "\"");
    std::vector<ParamSetting> conditions;
    for (const TuneOverride& o : state.overrides)
        conditions.push_back(ParamSetting::conditional({ParamSetting::makeCondition(o.filter, ParamSetting(1.0), "filter")}));
    std::map<std::string, at::Tensor> out;
    std::vector<at::Tensor> inputs(tuner.models().size());
    for (const auto& [name, base] : tuner.base()) {
        throwIfCancelled(cancel);
        if (!at::isFloatingType(base.scalar_type())) {
            out[name] = base;
            continue;
        }
        const TensorParams params = paramsFor(*method, state, name, conditions);
        try {
            method->validate(params, static_cast<int>(inputs.size()));
        } catch (const InputError& e) {
            throw InputError({}, name, e.detail());
        }
        // Methods may overwrite their inputs: hand them copies.
        for (std::size_t i = 0; i < inputs.size(); ++i)
            inputs[i] = tuner.models()[i].at(name).clone();
        out[name] = method->merge(name, base, inputs, params);
    }
    return out;
}

} // namespace

GuiJobRunner::Work tuneSetupWork(const ModelSet& set, int64_t quickSamples)
{
    return [set, quickSamples](Progress& progress, const CancelToken& cancel) -> QVariant {
        const double steps = 3.0 + static_cast<double>(set.models.size());
        progress.update(0, steps, "Loading " + std::to_string(set.models.size() + 1) + " checkpoints");
        TuneSetup setup;
        setup.quickSamples = quickSamples;
        setup.tuner = std::make_shared<MergeTuner>(set, quickSamples, "val");
        throwIfCancelled(cancel);
        progress.update(1, steps, "Loading the validation split");
        setup.full = std::make_shared<FullValidation>();
        setup.full->evaluator = std::make_unique<Evaluator>(set, "val");
        NullProgress quiet;
        progress.update(2, steps, "Evaluating the pretrained model");
        setup.pretrained = setup.full->evaluator->evaluateTensors(setup.tuner->base(), set.base.name, quiet, cancel);
        for (std::size_t i = 0; i < set.models.size(); ++i) {
            progress.update(3.0 + static_cast<double>(i), steps, "Evaluating " + set.models[i].name);
            setup.finetuned.push_back(
                setup.full->evaluator->evaluateTensors(setup.tuner->models()[i], set.models[i].name, quiet, cancel));
        }
        progress.update(steps, steps, "Ready to tune");
        return QVariant::fromValue(setup);
    };
}

GuiJobRunner::Work tuneEvaluateWork(const TuneSetup& setup, const TuneState& state, bool full)
{
    return [setup, state, full](Progress& progress, const CancelToken& cancel) -> QVariant {
        const auto start = std::chrono::steady_clock::now();
        TuneOutcome outcome;
        outcome.full = full;
        if (full) {
            const auto merged = mergeState(*setup.tuner, state, cancel);
            std::lock_guard<std::mutex> lock(setup.full->mutex);
            outcome.result = setup.full->evaluator->evaluateTensors(merged, state.method, progress, cancel);
        } else if (state.overrides.empty()) {
            // The tuner's own path (it may get faster without this page changing).
            TuneJob job(setup.tuner, state.method, tensorParams(state));
            job.run(progress, cancel);
            outcome.result = job.result();
        } else {
            const auto merged = mergeState(*setup.tuner, state, cancel);
            outcome.result = setup.tuner->evaluateTensors(merged, state.method, progress, cancel);
        }
        outcome.seconds = secondsSince(start);
        return QVariant::fromValue(outcome);
    };
}

} // namespace mergelab::gui
