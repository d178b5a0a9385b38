// RegMean: Gram matrices from the functional ViT's linear-input hook, then a linear solve per layer.
#include "datamerge/regmean_merge.h"

#include "common/error.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace mergelab {

TensorMap collectGrams(const ClipVisionConfig& config, const TensorMap& weights, const at::Tensor& inputs,
                       const RegMeanOptions& options, const CancelToken& cancel)
{
    if (options.batchSize < 1 || options.samplesPerTask < 1)
        throw InputError({}, {}, "regmean samples and batch size must be positive");
    c10::InferenceMode inference;
    ScopedThreadSettings single;
    TensorMap sums;
    std::map<std::string, int64_t> counts;
    VitHooks hooks;
    hooks.linearInput = [&](const std::string& linear, const at::Tensor& x) {
        at::Tensor rows = x.reshape({-1, x.size(-1)});
        at::Tensor& g = sums[linear];
        if (!g.defined())
            g = at::zeros({rows.size(1), rows.size(1)}, at::kFloat);
        g.addmm_(rows.t(), rows);
        counts[linear] += rows.size(0);
    };
    const int64_t n = std::min(options.samplesPerTask, inputs.size(0));
    for (int64_t start = 0; start < n; start += options.batchSize) {
        throwIfCancelled(cancel);
        vitForward(config, weights, inputs.slice(0, start, std::min(n, start + options.batchSize)), &hooks);
    }
    for (auto& [name, g] : sums)
        g.div_(static_cast<double>(counts[name]));
    return sums;
}

at::Tensor shrinkGram(const at::Tensor& gram, double alpha)
{
    if (alpha < 0 || alpha > 1)
        throw InputError({}, {}, "regmean alpha must be in [0, 1], got " + std::to_string(alpha));
    return gram * alpha + at::diag_embed(at::diagonal(gram)) * (1.0 - alpha);
}

at::Tensor regmeanLinear(const std::vector<at::Tensor>& grams, const std::vector<at::Tensor>& weights)
{
    if (grams.empty() || grams.size() != weights.size())
        throw InputError({}, {}, "regmean needs one Gram matrix per weight");
    at::Tensor gramSum, product;
    for (std::size_t i = 0; i < grams.size(); ++i) {
        at::Tensor g = grams[i].to(at::kDouble);
        at::Tensor gw = at::matmul(g, weights[i].to(at::kDouble).t()); // [in, out]
        gramSum = gramSum.defined() ? gramSum + g : g;
        product = product.defined() ? product + gw : gw;
    }
    at::Tensor solution;
    try {
        solution = at::linalg_solve(gramSum, product);
    } catch (const c10::Error&) {
        solution = at::matmul(at::linalg_pinv(gramSum), product); // singular: dead input features
    }
    return solution.t().to(weights.front().scalar_type()).contiguous();
}

TensorMap runRegMean(const DataMergeInputs& in, const RegMeanOptions& options, Progress& progress,
                     const CancelToken& cancel)
{
    in.validate();
    // Running sums over tasks of shrunk Grams and of G Wᵀ (float64), per linear layer.
    std::map<std::string, at::Tensor> gramSums, productSums;
    const double total = static_cast<double>(in.numTasks()) + 1;
    for (int64_t i = 0; i < in.numTasks(); ++i) {
        const auto& task = in.tasks[static_cast<std::size_t>(i)];
        const auto& weights = in.finetuned[static_cast<std::size_t>(i)];
        progress.update(static_cast<double>(i), total, "Gram matrices of " + task.name);
        TensorMap grams = collectGrams(in.config, weights, task.inputs, options, cancel);
        for (auto& [linear, g] : grams) {
            at::Tensor shrunk = shrinkGram(g, options.alpha).to(at::kDouble);
            at::Tensor gw = at::matmul(shrunk, weights.at(linear + ".weight").to(at::kDouble).t());
            auto& gs = gramSums[linear];
            auto& ps = productSums[linear];
            gs = gs.defined() ? gs.add_(shrunk) : shrunk;
            ps = ps.defined() ? ps.add_(gw) : gw;
        }
        progress.log("RegMean: " + std::to_string(grams.size()) + " Gram matrices from " + task.name);
    }
    progress.update(static_cast<double>(in.numTasks()), total, "solving");
    TensorMap out;
    for (const auto& [name, base] : in.base) {
        throwIfCancelled(cancel);
        const std::string suffix = ".weight";
        const bool isWeight =
            name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        auto g = isWeight ? gramSums.find(name.substr(0, name.size() - suffix.size())) : gramSums.end();
        if (g == gramSums.end()) {
            out[name] = averageTensor(in, name);
            continue;
        }
        // Same closed form as regmeanLinear, on the sums accumulated above.
        at::Tensor solution;
        try {
            solution = at::linalg_solve(g->second, productSums.at(g->first));
        } catch (const c10::Error&) {
            solution = at::matmul(at::linalg_pinv(g->second), productSums.at(g->first));
        }
        out[name] = solution.t().to(at::kFloat).contiguous();
    }
    progress.update(total, total, "done");
    return out;
}

} // namespace mergelab
