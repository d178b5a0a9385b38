// The Learn page's jobs: a learned merge on the project's datasets, and exporting its result.
#include "learn_work.h"

#include "common/error.h"
#include "datamerge/data_merge_job.h"
#include "datamerge/data_merge_spec.h"
#include "eval/evaluator.h"

namespace mergelab::gui {

DataMergeSpec learnSpec(const LearnSettings& s)
{
    DataMergeSpec spec = dataMergeSpecFor(s.method.toStdString());
    auto set = [&spec](const char* name, const auto& value) {
        if (value)
            spec.values[name] = static_cast<double>(*value);
    };
    set("samples", s.samples);
    set("steps", s.steps);
    set("lr", s.learningRate);
    set("batch", s.batch);
    set("seed", s.seed);
    set("alpha", s.alpha);
    set("lambda", s.lambda);
    spec.validateEvery = s.validateEvery;
    if (s.validationSamples)
        spec.validationSamples = *s.validationSamples;
    return spec;
}

LearnParam learnParam(const QString& method, const char* name)
{
    LearnParam p;
    const auto m = parseDataMergeMethod(method.toStdString());
    if (m && std::string(name) == "validation_samples") { // monitoring of the trained methods
        p.used = findDataMergeParam(*m, "steps").has_value();
        p.defaultValue = static_cast<double>(DataMergeSpec().validationSamples);
        p.minValue = 1;
        p.maxValue = 1e9;
        return p;
    }
    const auto def = m ? findDataMergeParam(*m, name) : std::nullopt;
    if (!def)
        return p;
    p.used = true;
    p.defaultValue = def->defaultValue;
    p.minValue = def->minValue;
    p.maxValue = def->maxValue;
    p.minExclusive = def->minExclusive;
    p.help = QString::fromStdString(def->help);
    return p;
}

GuiJobRunner::Work learnWork(const ModelSet& set, const LearnSettings& s, std::function<void(const LearnStep&)> onStep)
{
    return [set, s, onStep](Progress& progress, const CancelToken& cancel) -> QVariant {
        auto outcome = std::make_shared<LearnOutcome>();
        outcome->method = s.method;
        outcome->job = std::make_shared<DataMergeJob>(set, learnSpec(s));
        outcome->job->setStepCallback([onStep](const StepReport& r) {
            LearnStep step;
            step.step = static_cast<int>(r.step);
            step.steps = static_cast<int>(r.steps);
            step.loss = r.loss;
            step.validation = r.validation;
            step.routing = r.routing;
            step.routingLayers = static_cast<int>(r.routingLayers);
            if (onStep)
                onStep(step);
        });
        outcome->job->run(progress, cancel);
        for (const EvalTask& t : outcome->job->inputs()->tasks)
            outcome->taskNames << QString::fromStdString(t.name);
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
