// Hidden-state router initialisation (BTX "hidden") for the MoE ViT and MoE language models, and MoE
// ViT evaluation through core/eval.
#include "moe/btx_router.h"

#include "common/error.h"
#include "io/model_set.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "moe/moe_vit.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <functional>

namespace mergelab {

namespace {

// Router rows of one layer from each expert's router inputs [tokens, hidden] (undefined: a zero row):
// row e = mean input of expert e minus the mean over experts, scaled so that the logits on all the
// tokens have standard deviation logitStd.
at::Tensor routerRowsFromInputs(const std::vector<at::Tensor>& inputs, double logitStd)
{
    std::vector<at::Tensor> defined;
    for (const at::Tensor& x : inputs)
        if (x.defined())
            defined.push_back(x);
    if (defined.empty())
        throw InputError("hidden-state routers: no expert has calibration data");
    std::vector<at::Tensor> means;
    for (const at::Tensor& x : defined)
        means.push_back(x.mean(0));
    const at::Tensor centre = at::stack(means).mean(0);
    std::vector<at::Tensor> rows;
    for (const at::Tensor& x : inputs)
        rows.push_back(x.defined() ? x.mean(0) - centre : at::zeros_like(centre));
    at::Tensor r = at::stack(rows);
    const double spread = at::matmul(at::cat(defined), r.t()).std().item<double>();
    if (spread > 0)
        r = r * (logitStd / spread);
    return r.contiguous();
}

} // namespace

namespace {

// Both models: for each expert e, `route(e, routing)` runs its calibration data through the model
// recording the MoE layers (false: the expert has none, a zero row); then each layer's rows.
std::map<int, at::Tensor> hiddenRouterRows(int64_t experts, const std::vector<int>& layers, double logitStd,
                                           Progress& progress, const CancelToken& cancel,
                                           const std::function<bool(int64_t, MoeRouting&)>& route)
{
    at::NoGradGuard noGrad;
    std::map<int, std::vector<at::Tensor>> inputs; // layer -> per expert router inputs
    for (int64_t e = 0; e < experts; ++e) {
        throwIfCancelled(cancel);
        progress.update(static_cast<double>(e), static_cast<double>(experts),
                        "router inputs of expert " + std::to_string(e));
        MoeRouting routing;
        const bool routed = route(e, routing);
        for (int layer : layers)
            inputs[layer].push_back(routed ? at::cat(routing.inputs.at(layer)) : at::Tensor());
    }
    std::map<int, at::Tensor> rows;
    for (int layer : layers)
        rows[layer] = routerRowsFromInputs(inputs[layer], logitStd);
    progress.update(static_cast<double>(experts), static_cast<double>(experts), "routers initialised");
    return rows;
}

} // namespace

std::map<std::string, at::Tensor> hiddenStateRouters(MoeVitBackbone& model, const std::vector<at::Tensor>& taskImages,
                                                     double logitStd, Progress& progress, const CancelToken& cancel)
{
    const auto& blocks = model.blocks();
    if (blocks.empty())
        throw InputError("hidden-state routers: the model has no MoE layer");
    const int64_t experts = blocks.begin()->second.router.size(0);
    if (static_cast<int64_t>(taskImages.size()) != experts)
        throw InputError("hidden-state routers: " + std::to_string(taskImages.size()) + " image sets for " +
                         std::to_string(experts) + " experts");
    std::vector<int> layers;
    for (const auto& [layer, block] : blocks)
        layers.push_back(layer);
    const auto rows =
        hiddenRouterRows(experts, layers, logitStd, progress, cancel, [&](int64_t e, MoeRouting& routing) {
            const at::Tensor& images = taskImages[e];
            if (!images.defined())
                return false;
            for (int64_t start = 0; start < images.size(0); start += 32)
                model.embed(images.narrow(0, start, std::min<int64_t>(32, images.size(0) - start)), &routing);
            return true;
        });
    std::map<std::string, at::Tensor> routers;
    for (const auto& [layer, r] : rows)
        routers["vision_model.encoder.layers." + std::to_string(layer) + ".moe.gate.weight"] = r;
    return routers;
}

std::map<std::string, at::Tensor> hiddenStateRouters(const CausalLm& model, const std::vector<at::Tensor>& taskWindows,
                                                     double logitStd, Progress& progress, const CancelToken& cancel)
{
    const std::vector<int> layers = model.moeLayers();
    if (layers.empty())
        throw InputError(model.origin(), {}, "hidden-state routers: the model has no MoE layer");
    const int64_t experts = model.expertCount(layers.front());
    if (static_cast<int64_t>(taskWindows.size()) != experts)
        throw InputError("hidden-state routers: " + std::to_string(taskWindows.size()) + " texts for " +
                         std::to_string(experts) + " experts");
    const auto rows =
        hiddenRouterRows(experts, layers, logitStd, progress, cancel, [&](int64_t e, MoeRouting& routing) {
            const at::Tensor& windows = taskWindows[e];
            if (!windows.defined())
                return false;
            for (int64_t start = 0; start < windows.size(0); start += 8)
                model.hiddenStates(windows.narrow(0, start, std::min<int64_t>(8, windows.size(0) - start)), nullptr,
                                   &routing);
            return true;
        });
    std::map<std::string, at::Tensor> routers;
    for (const auto& [layer, r] : rows)
        routers[model.routerName(layer)] = r;
    return routers;
}

EvalResult evaluateMoeVit(const std::string& path, const std::string& projectPath, const std::string& split,
                          int64_t limit, Progress& progress, const CancelToken& cancel)
{
    auto model = loadMoeVit(path);
    const ModelSet set = ModelSet::load(projectPath);
    const std::vector<EvalTask> tasks = loadEvalTasks(set, split, limit);
    EvalResult result = evaluateBackbone(*model, tasks, 256, progress, cancel);
    result.checkpoint = path;
    return result;
}

} // namespace mergelab
