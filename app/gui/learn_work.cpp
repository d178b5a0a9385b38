// The Learn page's jobs: a learned merge on the project's datasets, and exporting its result.
#include "learn_work.h"

#include "common/error.h"
#include "datamerge/data_merge_job.h"
#include "eval/evaluator.h"

namespace mergelab::gui {

GuiJobRunner::Work learnWork(const ModelSet& set, const LearnSettings& s, std::function<void(const LearnStep&)> onStep)
{
    return [set, s, onStep](Progress& progress, const CancelToken& cancel) -> QVariant {
        const auto method = parseDataMergeMethod(s.method.toStdString());
        if (!method)
            throw InputError("unknown learned merge \"" + s.method.toStdString() + "\"");
        const bool closedForm = *method == DataMergeMethod::Fisher || *method == DataMergeMethod::RegMean;
        progress.update(0, 0, "loading weights and data");
        auto inputs = std::make_shared<DataMergeInputs>(
            loadDataMergeInputs(set, defaultDataSplit(*method), closedForm ? s.samples : -1));
        throwIfCancelled(cancel);

        DataMergeRequest request;
        request.method = *method;
        request.fisher.samplesPerTask = s.samples;
        request.fisher.seed = static_cast<uint64_t>(s.seed);
        request.regmean.samplesPerTask = s.samples;
        request.regmean.alpha = s.alpha;
        request.ada.initLambda = s.lambda;
        request.wemoe.model.initLambda = s.lambda;
        std::shared_ptr<const std::vector<EvalTask>> validation;
        if (!closedForm && s.validateEvery > 0) {
            // Same task order as the training tasks (one per fine-tune).
            std::vector<EvalTask> val;
            const std::vector<EvalTask> all = loadEvalTasks(set, "val", s.validationSamples);
            for (const EvalTask& t : inputs->tasks)
                for (const EvalTask& v : all)
                    if (v.name == t.name)
                        val.push_back(v);
            validation = std::make_shared<const std::vector<EvalTask>>(std::move(val));
        }
        for (TrainOptions* t : {&request.ada.train, &request.wemoe.train}) {
            t->steps = s.steps;
            t->learningRate = s.learningRate;
            t->batchSize = s.batch;
            t->seed = static_cast<uint64_t>(s.seed);
            t->validation = validation;
            t->validateEvery = s.validateEvery;
            t->onStep = [onStep](const StepReport& r) {
                LearnStep step;
                step.step = static_cast<int>(r.step);
                step.steps = static_cast<int>(r.steps);
                step.loss = r.loss;
                step.validation = r.validation;
                step.routing = r.routing;
                step.routingLayers = static_cast<int>(r.routingLayers);
                if (onStep)
                    onStep(step);
            };
        }
        auto outcome = std::make_shared<LearnOutcome>();
        outcome->method = s.method;
        for (const EvalTask& t : inputs->tasks)
            outcome->taskNames << QString::fromStdString(t.name);
        outcome->job = std::make_shared<DataMergeJob>(inputs, request);
        outcome->job->run(progress, cancel);
        return QVariant::fromValue(outcome);
    };
}

GuiJobRunner::Work exportLearnedWork(std::shared_ptr<const LearnOutcome> outcome, const QString& path)
{
    return [outcome, path](Progress& progress, const CancelToken& cancel) -> QVariant {
        throwIfCancelled(cancel);
        progress.update(0, 1, "writing " + path.toStdString());
        if (outcome->job->wemoe())
            outcome->job->wemoe()->save(path.toStdString());
        else
            saveTensorMap(path.toStdString(), outcome->job->merged(),
                          {{"mergelab_method", outcome->method.toStdString()}});
        progress.update(1, 1, "done");
        return QVariant(path);
    };
}

} // namespace mergelab::gui
