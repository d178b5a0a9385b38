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
        NullProgress quiet;
        if (setup.tuner->isLanguageModel()) {
            // Perplexity and choices of the inputs, once: the references the merge is drawn beside.
            setup.lm = true;
            const double lmSteps = 1.0 + static_cast<double>(set.models.size());
            progress.update(0, lmSteps, "Scoring " + set.base.name);
            setup.lmPretrained = setup.tuner->evaluateLmTensors(setup.tuner->base(), set.base.name, quiet, cancel);
            for (std::size_t i = 0; i < set.models.size(); ++i) {
                progress.update(1.0 + static_cast<double>(i), lmSteps, "Scoring " + set.models[i].name);
                setup.lmFinetuned.push_back(
                    setup.tuner->evaluateLmTensors(setup.tuner->models()[i], set.models[i].name, quiet, cancel));
            }
            progress.update(lmSteps, lmSteps, "Ready to tune");
            return QVariant::fromValue(setup);
        }
        progress.update(1, steps, "Loading the validation split");
        setup.full = std::make_shared<FullValidation>();
        setup.full->evaluator = std::make_unique<Evaluator>(set, "val");
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
        if (setup.lm) {
            outcome.lm = setup.tuner->evaluateLm(recipe, progress, cancel); // the whole split: nothing to refine
            outcome.full = true;
        } else if (full) {
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

GuiJobRunner::Work tuneGenerateWork(const TuneSetup& setup, const GenerateRequest& request)
{
    return [setup, request](Progress& progress, const CancelToken& cancel) -> QVariant {
        const auto start = std::chrono::steady_clock::now();
        const MergeTuner& tuner = *setup.tuner;
        const std::size_t models = setup.set.models.size();
        const double steps = 1.0 + static_cast<double>(models) + (request.merge ? 1.0 : 0.0);
        GenerateOutcome outcome;
        progress.update(0, steps, "Generating with " + setup.set.base.name);
        outcome.completions.push_back(
            tuner.generateLm(tuner.base(), setup.set.base.name, request.prompt, request.options, cancel));
        for (std::size_t i = 0; i < models; ++i) {
            progress.update(1.0 + static_cast<double>(i), steps, "Generating with " + setup.set.models[i].name);
            outcome.completions.push_back(
                tuner.generateLm(tuner.models()[i], setup.set.models[i].name, request.prompt, request.options, cancel));
        }
        if (request.merge) {
            progress.update(steps - 1.0, steps, "Generating with the merge");
            outcome.completions.push_back(
                setup.tuner->generateLm(*request.merge, request.prompt, request.options, cancel));
            outcome.completions.back().model = request.mergeLabel;
        }
        progress.update(steps, steps, "Generated");
        outcome.seconds = secondsSince(start);
        return QVariant::fromValue(outcome);
    };
}

} // namespace mergelab::gui
