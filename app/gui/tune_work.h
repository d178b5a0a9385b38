#pragma once

#include "gui_job_runner.h"
#include "tune_state.h"

#include "eval/evaluator.h"
#include "io/model_set.h"

#include <QMetaType>

#include <memory>
#include <vector>

namespace mergelab {
class MergeTuner;
}

namespace mergelab::gui {

struct FullValidation;

// What the Tune page keeps once a project is loaded for live tuning: the MergeTuner (quick subset),
// a full-validation evaluator, and the reference accuracies (on the full validation split).
struct TuneSetup {
    std::shared_ptr<MergeTuner> tuner;
    ModelSet set; // the project: paths of the recipes the page merges
    std::shared_ptr<FullValidation> full;
    EvalResult pretrained;
    std::vector<EvalResult> finetuned; // one per fine-tuned model, in project order
    int64_t quickSamples = 0;          // per task in the quick subset
    bool valid() const { return tuner != nullptr; }
};

// One evaluation of a TuneState.
struct TuneOutcome {
    EvalResult result;
    bool full = false;  // full validation split (refinement) or the quick subset
    double seconds = 0; // merge + evaluation, on the worker
};

// Loads the project for tuning: MergeTuner with `quickSamples` validation samples per task, the
// full validation split, and the pretrained and fine-tuned accuracies. Result: TuneSetup.
GuiJobRunner::Work tuneSetupWork(const ModelSet& set, int64_t quickSamples = 256);
// Merges recipeFor(state, setup.set) in memory (MergeTuner: the exported file's tensors) and
// evaluates it on the quick subset (full = false) or the whole validation split (full = true).
// Result: TuneOutcome.
GuiJobRunner::Work tuneEvaluateWork(const TuneSetup& setup, const TuneState& state, bool full);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::gui::TuneSetup)
Q_DECLARE_METATYPE(mergelab::gui::TuneOutcome)
