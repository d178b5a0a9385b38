// DataMergeJob: dispatch to the method, then write the result.
#include "datamerge/data_merge_job.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

namespace mergelab {

std::optional<DataMergeMethod> parseDataMergeMethod(const std::string& name)
{
    if (name == "fisher")
        return DataMergeMethod::Fisher;
    if (name == "regmean")
        return DataMergeMethod::RegMean;
    if (name == "adamerging" || name == "adamerging-taskwise")
        return DataMergeMethod::AdaMergingTaskWise;
    if (name == "adamerging-layerwise")
        return DataMergeMethod::AdaMergingLayerWise;
    if (name == "wemoe")
        return DataMergeMethod::WeMoe;
    return std::nullopt;
}

std::string dataMergeMethodName(DataMergeMethod method)
{
    switch (method) {
    case DataMergeMethod::Fisher: return "fisher";
    case DataMergeMethod::RegMean: return "regmean";
    case DataMergeMethod::AdaMergingTaskWise: return "adamerging";
    case DataMergeMethod::AdaMergingLayerWise: return "adamerging-layerwise";
    case DataMergeMethod::WeMoe: return "wemoe";
    }
    return "?";
}

std::string defaultDataSplit(DataMergeMethod method)
{
    return method == DataMergeMethod::Fisher || method == DataMergeMethod::RegMean ? "train" : "test";
}

DataMergeJob::DataMergeJob(std::shared_ptr<const DataMergeInputs> inputs, DataMergeRequest request)
    : m_inputs(std::move(inputs)), m_request(std::move(request))
{
}

std::string DataMergeJob::name() const
{
    return "Learned merge (" + dataMergeMethodName(m_request.method) + ")";
}

void DataMergeJob::run(Progress& progress, const CancelToken& cancel)
{
    const DataMergeInputs& in = *m_inputs;
    DataMergeRequest request = m_request;
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
    if (request.output.empty())
        return;
    progress.update(1, 1, "writing " + request.output);
    if (m_wemoe)
        m_wemoe->save(request.output);
    else
        saveTensorMap(request.output, m_merged, {{"mergelab_recipe", recipe.dump()}});
}

} // namespace mergelab
