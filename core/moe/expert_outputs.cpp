// Expert outputs and routing statistics from recorded router inputs.
#include "moe/expert_outputs.h"

#include "common/error.h"
#include "io/dataset.h"
#include "jobs/job.h"
#include "moe/moe_vit.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>

namespace mergelab {

DataCentricRedundancy dataCentricRedundancy(MoeVitBackbone& model, const at::Tensor& images, int64_t batchSize,
                                            int64_t maxTokens, Progress& progress, const CancelToken& cancel)
{
    at::NoGradGuard noGrad;
    MoeRouting routing;
    const int64_t n = images.size(0);
    batchSize = std::max<int64_t>(batchSize, 1);
    for (int64_t start = 0; start < n; start += batchSize) {
        throwIfCancelled(cancel);
        progress.update(static_cast<double>(start), static_cast<double>(n), "routing calibration images");
        model.embed(images.narrow(0, start, std::min(batchSize, n - start)), &routing);
    }
    DataCentricRedundancy out;
    for (const auto& [layer, block] : model.blocks()) {
        throwIfCancelled(cancel);
        const int64_t experts = block.router.size(0);
        at::Tensor chosen = at::cat(routing.selected.at(layer)); // [T, k]
        at::Tensor x = at::cat(routing.inputs.at(layer));        // [T, H]
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
        for (const auto& e : block.experts)
            outs.push_back(expertForward(block.kind, e, x).reshape({-1}).to(at::kDouble));
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
    progress.update(static_cast<double>(n), static_cast<double>(n), "routing statistics done");
    return out;
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
