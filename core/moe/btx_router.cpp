// Hidden-state router initialisation (BTX "hidden") and MoE ViT evaluation through core/eval.
#include "moe/btx_router.h"

#include "common/error.h"
#include "io/model_set.h"
#include "jobs/job.h"
#include "moe/moe_vit.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

namespace mergelab {

std::map<std::string, at::Tensor> hiddenStateRouters(MoeVitBackbone& model, const std::vector<at::Tensor>& taskImages,
                                                     double logitStd, Progress& progress, const CancelToken& cancel)
{
    at::NoGradGuard noGrad;
    const auto& blocks = model.blocks();
    if (blocks.empty())
        throw InputError("hidden-state routers: the model has no MoE layer");
    const int64_t experts = blocks.begin()->second.router.size(0);
    if (static_cast<int64_t>(taskImages.size()) != experts)
        throw InputError("hidden-state routers: " + std::to_string(taskImages.size()) + " image sets for " +
                         std::to_string(experts) + " experts");
    // layer -> per expert mean router input; all calibration tokens for the scale.
    std::map<int, std::vector<at::Tensor>> means;
    std::map<int, std::vector<at::Tensor>> tokens;
    for (int64_t e = 0; e < experts; ++e) {
        throwIfCancelled(cancel);
        progress.update(static_cast<double>(e), static_cast<double>(experts),
                        "router inputs of expert " + std::to_string(e));
        if (!taskImages[e].defined()) {
            for (const auto& [layer, block] : blocks)
                means[layer].push_back(at::Tensor());
            continue;
        }
        MoeRouting routing;
        for (int64_t start = 0; start < taskImages[e].size(0); start += 32)
            model.embed(taskImages[e].narrow(0, start, std::min<int64_t>(32, taskImages[e].size(0) - start)), &routing);
        for (const auto& [layer, block] : blocks) {
            at::Tensor x = at::cat(routing.inputs.at(layer));
            means[layer].push_back(x.mean(0));
            tokens[layer].push_back(x);
        }
    }
    std::map<std::string, at::Tensor> routers;
    for (const auto& [layer, block] : blocks) {
        std::vector<at::Tensor> defined;
        for (const at::Tensor& m : means[layer])
            if (m.defined())
                defined.push_back(m);
        if (defined.empty())
            throw InputError("hidden-state routers: no expert has calibration images");
        const at::Tensor centre = at::stack(defined).mean(0);
        std::vector<at::Tensor> rows;
        for (const at::Tensor& m : means[layer])
            rows.push_back(m.defined() ? m - centre : at::zeros_like(centre));
        at::Tensor r = at::stack(rows);
        const double spread = at::matmul(at::cat(tokens[layer]), r.t()).std().item<double>();
        if (spread > 0)
            r = r * (logitStd / spread);
        routers["vision_model.encoder.layers." + std::to_string(layer) + ".moe.gate.weight"] = r.contiguous();
    }
    progress.update(static_cast<double>(experts), static_cast<double>(experts), "routers initialised");
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
