#pragma once

#include "gui_job_runner.h"
#include "tune_state.h"

#include "eval/evaluator.h"
#include "eval/lm_completion.h"
#include "eval/lm_evaluator.h"
#include "io/model_set.h"

#include <QMetaType>

#include <memory>
#include <optional>
#include <vector>

namespace mergelab {
class MergeTuner;
}

namespace mergelab::gui {

struct FullValidation;

// What the Tune page keeps once a project is loaded for live tuning: the MergeTuner (quick subset),
// a full-validation evaluator, and the reference accuracies (on the full validation split).
// A language-model project (lm) keeps the base's and fine-tunes' perplexities and choice accuracies
// on the whole validation split instead (no quick subset, no separate full validation).
struct TuneSetup {
    std::shared_ptr<MergeTuner> tuner;
    ModelSet set; // the project: paths of the recipes the page merges
    std::shared_ptr<FullValidation> full;
    EvalResult pretrained;
    std::vector<EvalResult> finetuned; // one per fine-tuned model, in project order
    int64_t quickSamples = 0;          // per task in the quick subset
    bool lm = false;
    LmEvalResult lmPretrained;
    std::vector<LmEvalResult> lmFinetuned; // one per fine-tuned model, in project order
    bool valid() const { return tuner != nullptr; }
};

// One evaluation of a TuneState.
struct TuneOutcome {
    EvalResult result;
    LmEvalResult lm;    // language-model projects (result is then empty)
    bool full = false;  // full validation split (refinement) or the quick subset; always full for lm
    double seconds = 0; // merge + evaluation, on the worker
};

// What the Generate panel asks for: one prompt completed by the base, every fine-tune and a merge.
struct GenerateRequest {
    std::string prompt;
    GenerateOptions options;
    std::optional<Recipe> merge; // nullopt: the page's state is not a valid merge (its row says why)
    std::string mergeLabel;
};

// The completions, in the order base, fine-tunes (project order), merge (when asked for).
struct GenerateOutcome {
    std::vector<LmCompletion> completions;
    double seconds = 0;
};

// Loads the project for tuning: MergeTuner with `quickSamples` validation samples per task, the
// full validation split, and the pretrained and fine-tuned accuracies. Result: TuneSetup.
GuiJobRunner::Work tuneSetupWork(const ModelSet& set, int64_t quickSamples = 256);
// Merges recipeFor(state, setup.set) in memory (MergeTuner: the exported file's tensors) and
// evaluates it on the quick subset (full = false) or the whole validation split (full = true).
// Result: TuneOutcome.
GuiJobRunner::Work tuneEvaluateWork(const TuneSetup& setup, const TuneState& state, bool full);
// Completes request.prompt with the base, each fine-tune and request.merge (held in memory by the
// setup's MergeTuner), one after another, cancellable per token. Result: GenerateOutcome.
GuiJobRunner::Work tuneGenerateWork(const TuneSetup& setup, const GenerateRequest& request);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::gui::TuneSetup)
Q_DECLARE_METATYPE(mergelab::gui::TuneOutcome)
Q_DECLARE_METATYPE(mergelab::gui::GenerateOutcome)
