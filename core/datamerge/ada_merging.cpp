// AdaMerging: entropy minimisation over task-wise or layer-wise merge coefficients.
#include "datamerge/ada_merging.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/optim/adam.h>

namespace mergelab {

namespace {

// Task vectors of every backbone tensor stacked once as [T, numel]: a merge is then one
// [T] x [T, numel] product per tensor and dL/dλ one [T, numel] x [numel] product (it was
// T x P small tensor ops, each re-subtracting base from fine-tune).
std::vector<at::Tensor> stackedTaskVectors(const DataMergeInputs& in, const std::vector<std::string>& names)
{
    std::vector<at::Tensor> out;
    for (const std::string& name : names) {
        const at::Tensor base = in.base.at(name).reshape(-1);
        std::vector<at::Tensor> taus;
        for (const TensorMap& ft : in.finetuned)
            taus.push_back(ft.at(name).reshape(-1) - base);
        out.push_back(at::stack(taus).to(at::kFloat).contiguous());
    }
    return out;
}

// Column p of the coefficients: λ[:, p] (layer-wise) or λ (task-wise), as float [T].
at::Tensor lambdaColumn(const at::Tensor& lambdas, int64_t p)
{
    return lambdas.dim() == 1 ? lambdas : lambdas.select(1, p);
}

TensorMap mergeWith(const DataMergeInputs& in, const std::vector<std::string>& names,
                    const std::vector<at::Tensor>& taus, const at::Tensor& lambdas)
{
    at::NoGradGuard noGrad;
    const at::Tensor l = lambdas.detach().to(at::kFloat);
    TensorMap out;
    for (std::size_t p = 0; p < names.size(); ++p) {
        const at::Tensor& base = in.base.at(names[p]);
        out[names[p]] = base + at::matmul(lambdaColumn(l, static_cast<int64_t>(p)), taus[p]).view(base.sizes());
    }
    return out;
}

} // namespace

TensorMap adaMergedBackbone(const DataMergeInputs& in, const at::Tensor& lambdas)
{
    const std::vector<std::string> names = vitParameterNames(in.config);
    return mergeWith(in, names, stackedTaskVectors(in, names), lambdas);
}

AdaMergingResult runAdaMerging(const DataMergeInputs& in, const AdaMergingOptions& options, Progress& progress,
                               const CancelToken& cancel)
{
    in.validate();
    const TrainOptions& train = options.train;
    if (train.steps < 0 || train.batchSize < 1 || train.learningRate <= 0)
        throw InputError(in.source, {}, "adamerging needs steps >= 0, batch size >= 1 and a positive learning rate");
    if (train.validation && train.validation->size() != in.tasks.size())
        throw InputError(in.source, {}, "adamerging: one validation task per training task expected");
    torch::AutoGradMode grad(true);
    const std::vector<std::string> names = vitParameterNames(in.config);
    const std::vector<at::Tensor> taus = stackedTaskVectors(in, names);
    const int64_t tasks = in.numTasks(), params = static_cast<int64_t>(names.size());
    at::Tensor lambdas = options.layerWise ? at::full({tasks, params}, options.initLambda, at::kFloat)
                                           : at::full({tasks}, options.initLambda, at::kFloat);
    lambdas.requires_grad_(true);
    torch::optim::Adam adam({lambdas}, torch::optim::AdamOptions(train.learningRate));
    std::mt19937_64 rng(train.seed);

    AdaMergingResult result;
    result.tensorNames = names;
    const char* label = options.layerWise ? "AdaMerging layer-wise " : "AdaMerging task-wise ";
    for (int64_t step = 1; step <= train.steps; ++step) {
        throwIfCancelled(cancel);
        TensorMap merged = mergeWith(in, names, taus, lambdas);
        std::vector<at::Tensor> leaves;
        for (const std::string& name : names)
            leaves.push_back(merged[name].requires_grad_(true));
        // Batches drawn up front, in task order: the same seed gives the same run on any worker count.
        std::vector<at::Tensor> batches;
        for (const EvalTask& task : in.tasks)
            batches.push_back(sampleRows(task.inputs, train.batchSize, rng));
        std::vector<std::vector<at::Tensor>> taskGrads(static_cast<std::size_t>(tasks));
        std::vector<double> taskLoss(static_cast<std::size_t>(tasks));
        forEachTask(
            tasks, train.workers,
            [&](int64_t i) {
                const auto t = static_cast<std::size_t>(i);
                at::Tensor entropy = meanEntropy(in.tasks[t].head.logits(vitForward(in.config, merged, batches[t]))) /
                                     static_cast<double>(tasks);
                taskGrads[t] = torch::autograd::grad({entropy}, leaves, {}, false, false, true);
                taskLoss[t] = entropy.item<double>();
            },
            cancel);
        double loss = 0;
        for (double l : taskLoss)
            loss += l;
        // Chain rule: dL/dλ[i,p] = <dL/dθ_p, τ_ip>, summed over tasks in task order.
        at::Tensor lambdaGrad = at::zeros({tasks, params}, at::kFloat);
        {
            at::NoGradGuard noGrad;
            for (int64_t p = 0; p < params; ++p) {
                at::Tensor g;
                for (const auto& perTask : taskGrads) {
                    const at::Tensor& gp = perTask[static_cast<std::size_t>(p)];
                    if (gp.defined())
                        g = g.defined() ? g + gp : gp;
                }
                if (g.defined())
                    lambdaGrad.select(1, p).copy_(at::matmul(taus[static_cast<std::size_t>(p)], g.reshape(-1)));
            }
        }
        adam.zero_grad();
        lambdas.mutable_grad() = options.layerWise ? lambdaGrad : lambdaGrad.sum(1);
        adam.step();

        result.losses.push_back(loss);
        StepReport report;
        report.step = step;
        report.steps = train.steps;
        report.loss = loss;
        const at::Tensor perTask = (options.layerWise ? lambdas.detach().mean(1) : lambdas.detach()).contiguous();
        report.coefficients.assign(perTask.data_ptr<float>(), perTask.data_ptr<float>() + tasks);
        if (isValidationStep(train, step)) {
            const TensorMap current = mergeWith(in, names, taus, lambdas);
            report.validation = taskAccuracies([&](const at::Tensor& x) { return vitForward(in.config, current, x); },
                                               *train.validation, cancel);
        }
        progress.log(label + formatStep(report));
        progress.update(static_cast<double>(step), static_cast<double>(train.steps), "AdaMerging");
        if (train.onStep)
            train.onStep(report);
    }

    result.lambdas = lambdas.detach().clone();
    result.merged = mergeWith(in, names, taus, result.lambdas);
    // Tensors outside the backbone: task arithmetic with each task's mean coefficient.
    const at::Tensor perTask = (options.layerWise ? result.lambdas.mean(1) : result.lambdas).contiguous();
    for (const auto& [name, base] : in.base) {
        if (result.merged.count(name))
            continue;
        if (!at::isFloatingType(base.scalar_type())) {
            result.merged[name] = base;
            continue;
        }
        at::Tensor merged = base.clone();
        for (int64_t i = 0; i < tasks; ++i)
            merged.add_(in.finetuned[static_cast<std::size_t>(i)].at(name) - base, perTask[i].item<double>());
        result.merged[name] = merged;
    }
    return result;
}

} // namespace mergelab
