// DataMergeJob: dispatch to the method, then write the result.
#include "datamerge/data_merge_job.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include <chrono>

namespace mergelab {

DataMergeRequest dataMergeRequest(const DataMergeSpec& spec)
{
    spec.validate();
    DataMergeRequest q;
    q.method = spec.method;
    q.output = spec.output;
    const auto seed = static_cast<uint64_t>(spec.value("seed"));
    const auto samples = static_cast<int64_t>(spec.value("samples"));
    switch (spec.method) {
    case DataMergeMethod::Fisher:
        q.fisher.samplesPerTask = samples;
        q.fisher.seed = seed;
        q.fisher.epsilon = spec.value("epsilon");
        q.fisher.label = spec.value("fisher_argmax") != 0 ? "argmax" : "sample";
        q.fisher.workers = spec.workers;
        break;
    case DataMergeMethod::RegMean:
        q.regmean.samplesPerTask = samples;
        q.regmean.alpha = spec.value("alpha");
        break;
    case DataMergeMethod::AdaMergingTaskWise:
    case DataMergeMethod::AdaMergingLayerWise:
        q.ada.initLambda = spec.value("lambda");
        break;
    case DataMergeMethod::WeMoe:
        q.wemoe.model.initLambda = spec.value("lambda");
        q.wemoe.model.routerHidden = static_cast<int64_t>(spec.value("router_hidden"));
        break;
    }
    TrainOptions& t = spec.method == DataMergeMethod::WeMoe ? q.wemoe.train : q.ada.train;
    if (spec.method != DataMergeMethod::Fisher && spec.method != DataMergeMethod::RegMean) {
        t.steps = static_cast<int64_t>(spec.value("steps"));
        t.learningRate = spec.value("lr");
        t.batchSize = static_cast<int64_t>(spec.value("batch"));
        t.seed = seed;
        t.workers = spec.workers;
        t.validateEvery = spec.validateEvery;
    }
    return q;
}

DataMergeJob::DataMergeJob(ModelSet set, DataMergeSpec spec) : m_set(std::move(set)), m_spec(std::move(spec))
{
    m_request.method = m_spec->method;
}

DataMergeJob::DataMergeJob(std::shared_ptr<const DataMergeInputs> inputs, DataMergeRequest request)
    : m_inputs(std::move(inputs)), m_request(std::move(request))
{}

std::string DataMergeJob::name() const
{
    return "Learned merge (" + dataMergeMethodName(m_request.method) + ")";
}

// The spec's inputs: the project's weights and split, and the labelled validation tasks its
// monitoring asks for (same order as the training tasks).
void DataMergeJob::load(Progress& progress, const CancelToken& cancel)
{
    m_request = dataMergeRequest(*m_spec);
    progress.update(0, 0, "loading weights and data");
    auto inputs = std::make_shared<DataMergeInputs>(
        loadDataMergeInputs(*m_set, m_spec->resolvedSplit(), m_spec->samplesPerTask()));
    throwIfCancelled(cancel);
    TrainOptions& train = m_request.method == DataMergeMethod::WeMoe ? m_request.wemoe.train : m_request.ada.train;
    if (train.validateEvery > 0) {
        std::vector<EvalTask> val;
        const std::vector<EvalTask> all = loadEvalTasks(*m_set, "val", m_spec->validationSamples);
        for (const EvalTask& t : inputs->tasks)
            for (const EvalTask& v : all)
                if (v.name == t.name)
                    val.push_back(v);
        train.validation = std::make_shared<const std::vector<EvalTask>>(std::move(val));
    }
    m_inputs = std::move(inputs);
}

void DataMergeJob::run(Progress& progress, const CancelToken& cancel)
{
    if (m_spec)
        load(progress, cancel);
    const auto start = std::chrono::steady_clock::now();
    const DataMergeInputs& in = *m_inputs;
    DataMergeRequest request = m_request;
    for (TrainOptions* t : {&request.ada.train, &request.wemoe.train})
        if (m_onStep && !t->onStep)
            t->onStep = m_onStep;
    m_steps.clear();
    // Keep every step's report, then pass it on to the caller's callback.
    for (TrainOptions* t : {&request.ada.train, &request.wemoe.train}) {
        StepCallback next = t->onStep;
        t->onStep = [this, next](const StepReport& r) {
            m_steps.push_back(r);
            if (next)
                next(r);
        };
    }
    nlohmann::json recipe = {{"method", dataMergeMethodName(request.method)}};
    switch (request.method) {
    case DataMergeMethod::Fisher: {
        const FisherOptions& o = request.fisher;
        m_merged = runFisherMerge(in, o, progress, cancel);
        recipe["samples"] = o.samplesPerTask;
        recipe["label"] = o.label;
        recipe["epsilon"] = o.epsilon;
        recipe["seed"] = o.seed;
        break;
    }
    case DataMergeMethod::RegMean:
        m_merged = runRegMean(in, request.regmean, progress, cancel);
        recipe["samples"] = request.regmean.samplesPerTask;
        recipe["alpha"] = request.regmean.alpha;
        break;
    case DataMergeMethod::AdaMergingTaskWise:
    case DataMergeMethod::AdaMergingLayerWise: {
        AdaMergingOptions o = request.ada;
        o.layerWise = request.method == DataMergeMethod::AdaMergingLayerWise;
        AdaMergingResult r = runAdaMerging(in, o, progress, cancel);
        m_merged = std::move(r.merged);
        m_lambdas = r.lambdas;
        m_losses = r.losses;
        at::Tensor perTask = o.layerWise ? r.lambdas.mean(1) : r.lambdas;
        recipe["lambdas"] = std::vector<double>(perTask.data_ptr<float>(), perTask.data_ptr<float>() + perTask.numel());
        recipe["steps"] = o.train.steps;
        recipe["lr"] = o.train.learningRate;
        recipe["seed"] = o.train.seed;
        break;
    }
    case DataMergeMethod::WeMoe: {
        m_wemoe = WeMoeModel::upcycle(in, request.wemoe.model, request.wemoe.train.seed);
        m_losses = trainWeMoe(*m_wemoe, in.tasks, request.wemoe.train, progress, cancel);
        break;
    }
    }
    throwIfCancelled(cancel);
    m_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (request.output.empty())
        return;
    progress.update(1, 1, "writing " + request.output);
    if (m_wemoe)
        m_wemoe->save(request.output);
    else
        saveTensorMap(request.output, m_merged, {{"mergelab_recipe", recipe.dump()}});
    m_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace mergelab
