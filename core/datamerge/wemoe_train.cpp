// WEMoE router training (test-time adaptation, as in the paper).
#include "datamerge/wemoe_train.h"

#include "common/error.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/adam.h>

namespace mergelab {

std::vector<double> trainWeMoe(WeMoeModel& model, const std::vector<EvalTask>& tasks, const TrainOptions& options,
                               Progress& progress, const CancelToken& cancel)
{
    if (options.steps < 0 || options.batchSize < 1 || options.learningRate <= 0)
        throw InputError({}, {}, "WEMoE training needs steps >= 0, batch size >= 1 and a positive learning rate");
    if (tasks.empty())
        throw InputError({}, {}, "WEMoE training needs the inputs of at least one task");
    torch::AutoGradMode grad(true);
    std::vector<at::Tensor> params = model.routerParameters();
    for (at::Tensor& p : params)
        p.requires_grad_(true);
    torch::optim::Adam adam(params, torch::optim::AdamOptions(options.learningRate));
    std::mt19937_64 rng(options.seed);
    std::vector<double> losses;
    const auto taskCount = static_cast<int64_t>(tasks.size());
    for (int64_t step = 1; step <= options.steps; ++step) {
        throwIfCancelled(cancel);
        // Batches drawn up front in task order; per-task gradients summed in task order, so the run
        // does not depend on how many workers computed them.
        std::vector<at::Tensor> batches;
        for (const EvalTask& task : tasks)
            batches.push_back(sampleRows(task.inputs, options.batchSize, rng));
        std::vector<std::vector<at::Tensor>> taskGrads(tasks.size());
        std::vector<double> taskLoss(tasks.size());
        forEachTask(
            taskCount, options.workers,
            [&](int64_t i) {
                const auto t = static_cast<std::size_t>(i);
                at::Tensor entropy =
                    meanEntropy(tasks[t].head.logits(model.forward(batches[t]))) / static_cast<double>(taskCount);
                taskGrads[t] = torch::autograd::grad({entropy}, params, {}, false, false, true);
                taskLoss[t] = entropy.item<double>();
            },
            cancel);
        adam.zero_grad();
        for (std::size_t p = 0; p < params.size(); ++p) {
            at::Tensor g = at::zeros_like(params[p]);
            for (const auto& perTask : taskGrads)
                if (perTask[p].defined())
                    g.add_(perTask[p]);
            params[p].mutable_grad() = g;
        }
        adam.step();
        double loss = 0;
        for (double l : taskLoss)
            loss += l;
        losses.push_back(loss);
        StepReport report;
        report.step = step;
        report.steps = options.steps;
        report.loss = loss;
        if (isValidationStep(options, step)) {
            report.validation =
                taskAccuracies([&](const at::Tensor& x) { return model.forward(x); }, *options.validation, cancel);
            for (const EvalTask& v : *options.validation) {
                at::Tensor r = meanRouting(model, v.inputs, 256, cancel).contiguous(); // [layers, T]
                report.routingLayers = r.size(0);
                report.routing.emplace_back(r.data_ptr<float>(), r.data_ptr<float>() + r.numel());
            }
        }
        progress.log("WEMoE " + formatStep(report));
        progress.update(static_cast<double>(step), static_cast<double>(options.steps), "training WEMoE routers");
        if (options.onStep)
            options.onStep(report);
    }
    for (at::Tensor& p : params) {
        p.requires_grad_(false);
        p.mutable_grad() = at::Tensor();
    }
    return losses;
}

std::shared_ptr<WeMoeModel> runWeMoe(const DataMergeInputs& in, const WeMoeOptions& options, Progress& progress,
                                     const CancelToken& cancel)
{
    std::shared_ptr<WeMoeModel> model = WeMoeModel::upcycle(in, options.model, options.train.seed);
    trainWeMoe(*model, in.tasks, options.train, progress, cancel);
    return model;
}

at::Tensor meanRouting(const WeMoeModel& model, const at::Tensor& inputs, int64_t batchSize, const CancelToken& cancel)
{
    c10::InferenceMode inference;
    ScopedThreadSettings single;
    at::Tensor sum;
    for (int64_t start = 0; start < inputs.size(0); start += batchSize) {
        throwIfCancelled(cancel);
        std::vector<at::Tensor> routing;
        model.forward(inputs.slice(0, start, std::min(inputs.size(0), start + batchSize)), &routing);
        at::Tensor perLayer = at::stack(routing).sum(1); // [layers, T]
        sum = sum.defined() ? sum + perLayer : perLayer;
    }
    return sum / static_cast<double>(std::max<int64_t>(inputs.size(0), 1));
}

} // namespace mergelab
