#include "experts_page_work.h"

#include "common/error.h"
#include "eval/lm_evaluator.h"
#include "io/checkpoint.h"
#include "io/model_set.h"
#include "moe/btx_router.h"
#include "moe/expert_merge_job.h"

#include <QCoreApplication>

namespace mergelab::gui {

namespace {

bool isLanguageModel(const MoeLayout& layout)
{
    return layout.family == MoeFamily::Mixtral || layout.family == MoeFamily::Qwen2Moe;
}

// Output similarity on calibration text for MoE language models; weights otherwise (as the CLI's
// defaults: `mergelab-cli experts PATH --by outputs --data TEXT...`).
void groupByOutputs(ExpertMergeSpec& spec, const MoeLayout& layout, const std::vector<std::string>& texts)
{
    if (!isLanguageModel(layout) || texts.empty())
        return;
    spec.by = ExpertGrouping::Outputs;
    spec.calibrationData = texts;
}

} // namespace

std::vector<std::string> expertsCalibrationTexts(const QString& projectPath)
{
    if (projectPath.isEmpty())
        return {};
    try {
        return ModelSet::load(projectPath.toStdString()).textsFor("val");
    } catch (const Error&) {
        return {};
    }
}

GuiJobRunner::Work expertsAnalysisWork(const QStringList& candidates, bool quietIfNone,
                                       const std::vector<std::string>& calibrationTexts)
{
    return [candidates, quietIfNone, calibrationTexts](Progress& progress, const CancelToken& cancel) -> QVariant {
        std::string tried;
        for (const QString& path : candidates) {
            throwIfCancelled(cancel);
            const auto checkpoint = Checkpoint::open(path.toStdString());
            const auto layout = tryDetectMoeLayout(*checkpoint);
            if (!layout) {
                tried += (tried.empty() ? "" : ", ") + path.toStdString();
                continue;
            }
            ExpertMergeSpec spec; // analysis only: no K
            spec.input = path.toStdString();
            groupByOutputs(spec, *layout, calibrationTexts);
            ExpertMergeJob job(spec);
            job.run(progress, cancel);
            ExpertsAnalysis analysis;
            analysis.path = path;
            analysis.layout = job.outcome().layout;
            analysis.layers = job.outcome().layers;
            analysis.byOutputs = spec.by == ExpertGrouping::Outputs;
            return QVariant::fromValue(analysis);
        }
        if (quietIfNone)
            return {};
        throw InputError(tried.empty() ? std::string("no checkpoint given")
                                       : "not a Mixture-of-Experts checkpoint: " + tried);
    };
}

GuiJobRunner::Work expertsMergeWork(const QString& input, const QString& output, int k, const QString& projectPath,
                                    int64_t evalLimit)
{
    return [=](Progress& progress, const CancelToken& cancel) -> QVariant {
        // The page asks for K; everything else (grouping, router rule) is the spec's default, as
        // for `mergelab-cli experts INPUT --merge-to K -o OUTPUT`.
        ExpertMergeSpec spec;
        spec.input = input.toStdString();
        spec.targetExperts = k;
        spec.output = output.toStdString();
        const std::vector<std::string> texts = expertsCalibrationTexts(projectPath);
        groupByOutputs(spec, detectMoeLayout(*Checkpoint::open(spec.input)), texts);
        ExpertMergeJob job(spec);
        job.run(progress, cancel);
        ExpertsMergeOutcome outcome;
        outcome.merge = job.result();
        const bool languageModel = isLanguageModel(job.outcome().layout);
        if (!languageModel && job.outcome().layout.family != MoeFamily::MoeVit) {
            outcome.evaluationNote = QCoreApplication::translate(
                "ExpertsPage", "MergeLab evaluates the MoE ViT and Mixtral / Qwen2-MoE language models only");
        } else if (projectPath.isEmpty() || (languageModel && texts.empty())) {
            outcome.evaluationNote = QCoreApplication::translate(
                "ExpertsPage", "open a project with tasks to measure accuracy or perplexity");
        } else {
            try {
                if (languageModel) {
                    const ModelSet set = ModelSet::load(projectPath.toStdString());
                    outcome.accuracyBefore = evaluateLmModel(spec.input, set, "test", progress, cancel).perplexity();
                    outcome.accuracyAfter =
                        evaluateLmModel(outcome.merge.path, set, "test", progress, cancel).perplexity();
                    outcome.perplexity = true;
                } else {
                    outcome.accuracyBefore = evaluateMoeVit(input.toStdString(), projectPath.toStdString(), "test",
                                                            evalLimit, progress, cancel)
                                                 .average();
                    outcome.accuracyAfter = evaluateMoeVit(outcome.merge.path, projectPath.toStdString(), "test",
                                                           evalLimit, progress, cancel)
                                                .average();
                }
                outcome.evaluated = true;
            } catch (const CancelledError&) {
                throw;
            } catch (const Error& e) { // the merge stands; say why there is no score
                outcome.evaluationNote = QString::fromStdString(e.what());
            }
        }
        return QVariant::fromValue(outcome);
    };
}

} // namespace mergelab::gui
