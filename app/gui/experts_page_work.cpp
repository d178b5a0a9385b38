#include "experts_page_work.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "moe/btx_router.h"
#include "moe/expert_merge_job.h"

#include <QCoreApplication>

namespace mergelab::gui {

GuiJobRunner::Work expertsAnalysisWork(const QStringList& candidates, bool quietIfNone)
{
    return [candidates, quietIfNone](Progress& progress, const CancelToken& cancel) -> QVariant {
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
            ExpertMergeJob job(spec);
            job.run(progress, cancel);
            ExpertsAnalysis analysis;
            analysis.path = path;
            analysis.layout = job.outcome().layout;
            analysis.layers = job.outcome().layers;
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
        ExpertMergeJob job(spec);
        job.run(progress, cancel);
        ExpertsMergeOutcome outcome;
        outcome.merge = job.result();
        if (job.outcome().layout.family != MoeFamily::MoeVit) {
            outcome.evaluationNote =
                QCoreApplication::translate("ExpertsPage", "MergeLab can evaluate the MoE ViT only");
        } else if (projectPath.isEmpty()) {
            outcome.evaluationNote =
                QCoreApplication::translate("ExpertsPage", "open a project with tasks to measure accuracy");
        } else {
            try {
                const EvalResult before =
                    evaluateMoeVit(input.toStdString(), projectPath.toStdString(), "test", evalLimit, progress, cancel);
                const EvalResult after =
                    evaluateMoeVit(outcome.merge.path, projectPath.toStdString(), "test", evalLimit, progress, cancel);
                outcome.evaluated = true;
                outcome.accuracyBefore = before.average();
                outcome.accuracyAfter = after.average();
            } catch (const CancelledError&) {
                throw;
            } catch (const Error& e) { // the merge stands; say why there is no accuracy
                outcome.evaluationNote = QString::fromStdString(e.what());
            }
        }
        return QVariant::fromValue(outcome);
    };
}

} // namespace mergelab::gui
