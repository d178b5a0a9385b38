#pragma once

#include "gui_job_runner.h"

#include "moe/expert_merge.h"
#include "moe/expert_report.h"
#include "moe/moe_layout.h"

#include <QMetaType>
#include <QStringList>

#include <vector>

namespace mergelab::gui {

// What the Experts page shows for one MoE checkpoint: its layout and, per MoE layer, the expert
// similarities and the merge tree (average linkage on 1 - weight similarity).
struct ExpertsAnalysis {
    QString path;
    MoeLayout layout;
    std::vector<LayerRedundancy> layers;
    bool byOutputs = false; // similarity and tree from the experts' outputs on calibration text
};

// A merge-to-K run from the page: the merge result and, when the model could be evaluated on the
// project's tasks, average accuracy (language models: geometric-mean perplexity) before and after.
struct ExpertsMergeOutcome {
    ExpertMergeResult merge;
    bool evaluated = false;
    bool perplexity = false; // the scores are perplexities (lower is better), not accuracies
    double accuracyBefore = 0;
    double accuracyAfter = 0;
    QString evaluationNote; // why there is no accuracy ("" when evaluated)
};

// Job body: opens the first of `candidates` that is an MoE checkpoint (dense ones are skipped) and
// computes every layer's expert similarity and merge tree. Fails naming the files when none is MoE.
// With `quietIfNone` (a project's members are searched), finding no MoE checkpoint is not an error:
// the job then returns an empty QVariant. A Mixtral / Qwen2-MoE model is grouped by the similarity of
// its experts' outputs on `calibrationTexts` when there are any (the project's val texts).
GuiJobRunner::Work expertsAnalysisWork(const QStringList& candidates, bool quietIfNone = false,
                                       const std::vector<std::string>& calibrationTexts = {});

// Job body: merges every layer's experts to k groups into `output` with the core's ExpertMergeJob
// and the spec's defaults for the rest (grouping by weight similarity, or by output similarity on the
// project's val texts for an MoE language model; router rule); then the score before and after: for
// an MoE ViT with `projectPath`'s image tasks, accuracy on the first `evalLimit` test samples of each
// task; for an MoE language model with the project's texts, perplexity on the test texts.
GuiJobRunner::Work expertsMergeWork(const QString& input, const QString& output, int k, const QString& projectPath,
                                    int64_t evalLimit = 500);

// The project's val texts when it has language-model tasks ("" or an unreadable project: none).
std::vector<std::string> expertsCalibrationTexts(const QString& projectPath);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::gui::ExpertsAnalysis)
Q_DECLARE_METATYPE(mergelab::gui::ExpertsMergeOutcome)
