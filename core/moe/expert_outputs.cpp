// Expert outputs and routing statistics from recorded router inputs.
#include "moe/expert_outputs.h"

#include "common/error.h"
#include "io/dataset.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "moe/moe_vit.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <functional>

namespace mergelab {

namespace {

// Usage, co-selection and output cosines of one layer's experts from the tokens recorded there:
// chosen [T, k], router inputs x [T, H] (subsampled to maxTokens, evenly spaced), and each expert's
// output on x.
void layerStatistics(int layer, int64_t experts, const at::Tensor& chosen, at::Tensor x, int64_t maxTokens,
                     const std::function<at::Tensor(int64_t, const at::Tensor&)>& expertOutput,
                     DataCentricRedundancy& out)
{
    ExpertSimilarity s;
    s.layer = layer;
    s.numExperts = static_cast<int>(experts);
    // Usage and co-selection over every token.
    at::Tensor hits = at::zeros({chosen.size(0), experts}, at::kDouble);
    hits.scatter_(1, chosen, 1.0);
    at::Tensor usage = hits.sum(0) / static_cast<double>(chosen.numel());
    at::Tensor co = at::matmul(hits.t(), hits) / static_cast<double>(chosen.size(0));
    s.usage.assign(usage.data_ptr<double>(), usage.data_ptr<double>() + experts);
    co = co.contiguous();
    s.coSelection.assign(co.data_ptr<double>(), co.data_ptr<double>() + experts * experts);
    // Outputs of every expert on the same (subsampled) tokens.
    if (x.size(0) > maxTokens)
        x = x.index_select(0, at::linspace(0, x.size(0) - 1, maxTokens).round().to(at::kLong));
    std::vector<at::Tensor> outs;
    for (int64_t e = 0; e < experts; ++e)
        outs.push_back(expertOutput(e, x).reshape({-1}).to(at::kDouble));
    at::Tensor y = at::stack(outs);
    at::Tensor gram = at::matmul(y, y.t());
    at::Tensor norms = gram.diagonal().sqrt().clamp_min(1e-300);
    at::Tensor cos = (gram / at::outer(norms, norms)).clamp(-1.0, 1.0).contiguous();
    s.outputs.assign(cos.data_ptr<double>(), cos.data_ptr<double>() + experts * experts);
    for (int64_t i = 0; i < experts; ++i)
        s.outputs[static_cast<std::size_t>(i * experts + i)] = 1.0;
    out.layers[layer] = std::move(s);
    out.routerInputs[layer] = x.to(at::kFloat).contiguous();
}

} // namespace

namespace {

// Both models: `run(start, count, routing)` runs inputs [start, start + count) of n through the model,
// recording its MoE layers; then every layer's statistics from what was recorded.
DataCentricRedundancy
redundancyFromRouting(int64_t n, int64_t batchSize, int64_t maxTokens, const std::string& what, Progress& progress,
                      const CancelToken& cancel, const std::function<void(int64_t, int64_t, MoeRouting&)>& run,
                      const std::map<int, int64_t>& expertsOfLayer,
                      const std::function<at::Tensor(int, int64_t, const at::Tensor&)>& expertOutput)
{
    at::NoGradGuard noGrad;
    MoeRouting routing;
    batchSize = std::max<int64_t>(batchSize, 1);
    for (int64_t start = 0; start < n; start += batchSize) {
        throwIfCancelled(cancel);
        progress.update(static_cast<double>(start), static_cast<double>(n), "routing " + what);
        run(start, std::min(batchSize, n - start), routing);
    }
    DataCentricRedundancy out;
    for (const auto& [layer, experts] : expertsOfLayer) {
        throwIfCancelled(cancel);
        const int l = layer;
        layerStatistics(
            l, experts, at::cat(routing.selected.at(l)), at::cat(routing.inputs.at(l)), maxTokens,
            [&](int64_t e, const at::Tensor& x) { return expertOutput(l, e, x); }, out);
    }
    progress.update(static_cast<double>(n), static_cast<double>(n), "routing statistics done");
    return out;
}

} // namespace

DataCentricRedundancy dataCentricRedundancy(MoeVitBackbone& model, const at::Tensor& images, int64_t batchSize,
                                            int64_t maxTokens, Progress& progress, const CancelToken& cancel)
{
    std::map<int, int64_t> experts;
    for (const auto& [layer, block] : model.blocks())
        experts[layer] = block.router.size(0);
    return redundancyFromRouting(
        images.size(0), batchSize, maxTokens, "calibration images", progress, cancel,
        [&](int64_t start, int64_t count, MoeRouting& routing) {
            model.embed(images.narrow(0, start, count), &routing);
        },
        experts,
        [&](int layer, int64_t e, const at::Tensor& x) {
            const MoeBlockWeights& b = model.blocks().at(layer);
            return expertForward(b.kind, b.experts[e], x);
        });
}

DataCentricRedundancy dataCentricRedundancy(const CausalLm& model, const at::Tensor& windows, int64_t batchSize,
                                            int64_t maxTokens, Progress& progress, const CancelToken& cancel)
{
    std::map<int, int64_t> experts;
    for (int layer : model.moeLayers())
        experts[layer] = model.expertCount(layer);
    if (experts.empty())
        throw InputError(model.origin(), {}, "the model has no MoE layer");
    return redundancyFromRouting(
        windows.size(0), batchSize, maxTokens, "calibration text", progress, cancel,
        [&](int64_t start, int64_t count, MoeRouting& routing) {
            model.hiddenStates(windows.narrow(0, start, count), nullptr, &routing);
        },
        experts, [&](int layer, int64_t e, const at::Tensor& x) { return model.expertOutput(layer, e, x); });
}

at::Tensor tokenWindows(const std::vector<int64_t>& ids, int64_t context)
{
    const int64_t n = static_cast<int64_t>(ids.size());
    if (n < 2 || context < 2)
        throw InputError("calibration text: fewer than 2 tokens (or a context under 2)");
    const at::Tensor all = at::tensor(at::ArrayRef<int64_t>(ids), at::kLong);
    if (n <= context)
        return all.unsqueeze(0);
    const int64_t rows = n / context;
    return all.narrow(0, 0, rows * context).reshape({rows, context}).contiguous();
}

at::Tensor calibrationImages(const std::string& datasetPath, int64_t limit)
{
    const DatasetInfo info = readDatasetInfo(datasetPath);
    if (info.splitSizes.empty())
        throw FormatError(datasetPath, {}, "dataset has no split");
    // Calibration must not peek at the split accuracy is reported on: train, else val, else the first.
    const std::string split = info.splitSizes.count("train") ? "train"
                              : info.splitSizes.count("val") ? "val"
                                                             : info.splitSizes.begin()->first;
    const LabeledImages data = readSplit(datasetPath, split, limit);
    if (data.size() == 0)
        throw FormatError(datasetPath, split, "split is empty");
    return normalizeImages(data.images, info);
}

} // namespace mergelab
