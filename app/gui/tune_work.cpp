#include "tune_work.h"

#include "common/error.h"
#include "eval/merge_tuner.h"

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

} // namespace

GuiJobRunner::Work tuneSetupWork(const ModelSet& set, int64_t quickSamples)
{
    return [set, quickSamples](Progress& progress, const CancelToken& cancel) -> QVariant {
        const double steps = 3.0 + static_cast<double>(set.models.size());
        progress.update(0, steps, "Loading " + std::to_string(set.models.size() + 1) + " checkpoints");
        TuneSetup setup;
        setup.set = set;
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
        // The exported recipe of the state, merged by the core (the same tensors as the export).
        const Recipe recipe = recipeFor(state, setup.set);
        if (full) {
            const auto merged = setup.tuner->merge(recipe, cancel);
            std::lock_guard<std::mutex> lock(setup.full->mutex);
            outcome.result = setup.full->evaluator->evaluateTensors(merged, state.method, progress, cancel);
        } else {
            TuneJob job(setup.tuner, recipe);
            job.run(progress, cancel);
            outcome.result = job.result();
        }
        outcome.seconds = secondsSince(start);
        return QVariant::fromValue(outcome);
    };
}

} // namespace mergelab::gui
