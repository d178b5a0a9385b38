// Loading and helpers shared by the data-driven merges.
#include "datamerge/data_merge_inputs.h"

#include "common/error.h"
#include "io/model_set.h"
#include "jobs/task_pool.h"
#include "merge/task_arithmetic.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdio>
#include <numeric>
#include <sstream>

namespace mergelab {

void DataMergeInputs::validate() const
{
    if (finetuned.empty())
        throw InputError(source, {}, "a data-driven merge needs at least one fine-tuned model");
    if (tasks.size() != finetuned.size())
        throw InputError(source, {},
                         "expected one task (head + data) per fine-tuned model, got " + std::to_string(tasks.size()) +
                             " tasks for " + std::to_string(finetuned.size()) + " models");
    for (const std::string& name : vitParameterNames(config)) {
        auto b = base.find(name);
        if (b == base.end())
            throw InputError(source, name, "missing from the base model");
        for (std::size_t i = 0; i < finetuned.size(); ++i) {
            auto f = finetuned[i].find(name);
            if (f == finetuned[i].end())
                throw InputError(source, name, "missing from fine-tuned model " + std::to_string(i + 1));
            if (!f->second.sizes().equals(b->second.sizes()))
                throw InputError(source, name,
                                 "shape " + std::string(c10::str(f->second.sizes())) + " in fine-tuned model " +
                                     std::to_string(i + 1) + ", " + std::string(c10::str(b->second.sizes())) +
                                     " in the base");
        }
    }
    for (const EvalTask& t : tasks)
        if (!t.inputs.defined() || t.inputs.size(0) == 0)
            throw InputError(source, t.name, "task has no input samples");
}

DataMergeInputs loadDataMergeInputs(const ModelSet& set, const std::string& split, int64_t samplesPerTask)
{
    if (set.architecture.type != "clip_vit")
        throw InputError(set.projectPath(), {}, "data-driven merges need a \"clip_vit\" architecture (config.json)");
    DataMergeInputs in;
    in.source = set.projectPath();
    in.config = ClipVisionConfig::load(set.architecture.config);
    std::vector<EvalTask> all = loadEvalTasks(set, split, samplesPerTask);
    in.base = readCheckpointTensors(set.base.path);
    for (const ModelEntry& model : set.models) {
        auto it = std::find_if(all.begin(), all.end(), [&](const EvalTask& t) { return t.name == model.task; });
        if (model.task.empty() || it == all.end())
            throw InputError(set.projectPath(), {},
                             "fine-tuned model \"" + model.name + "\" names no task with a dataset and a head (\"" +
                                 model.task + "\")");
        in.finetuned.push_back(readCheckpointTensors(model.path));
        in.tasks.push_back(*it);
    }
    in.validate();
    return in;
}

at::Tensor meanEntropy(const at::Tensor& logits)
{
    at::Tensor logp = at::log_softmax(logits, -1);
    return -(logp.exp() * logp).sum(-1).mean();
}

at::Tensor sampleRows(const at::Tensor& inputs, int64_t batch, std::mt19937_64& rng)
{
    const int64_t n = inputs.size(0);
    if (batch >= n)
        return inputs;
    std::vector<int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    // Partial Fisher-Yates: the first `batch` entries are a uniform sample.
    for (int64_t i = 0; i < batch; ++i) {
        std::uniform_int_distribution<int64_t> pick(i, n - 1);
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(pick(rng))]);
    }
    order.resize(static_cast<std::size_t>(batch));
    return inputs.index_select(0, at::tensor(order, at::kLong));
}

TensorMap taskArithmetic(const DataMergeInputs& in, double lambda)
{
    TensorMap out;
    for (const auto& [name, b] : in.base) {
        if (!at::isFloatingType(b.scalar_type())) {
            out[name] = b;
            continue;
        }
        std::vector<at::Tensor> taskVectors;
        for (const TensorMap& ft : in.finetuned) {
            auto f = ft.find(name);
            if (f == ft.end())
                throw InputError(in.source, name, "missing from a fine-tuned model");
            taskVectors.push_back(f->second - b);
        }
        // The registry's task_arithmetic with weights 1 and no normalisation: same tensors.
        out[name] = taskArithmeticTensor(b, taskVectors, std::vector<double>(taskVectors.size(), 1.0), false, lambda,
                                         /*overwrite=*/true);
    }
    return out;
}

at::Tensor averageTensor(const DataMergeInputs& in, const std::string& name)
{
    at::Tensor sum;
    for (const TensorMap& ft : in.finetuned) {
        auto f = ft.find(name);
        if (f == ft.end())
            throw InputError(in.source, name, "missing from a fine-tuned model");
        sum = sum.defined() ? sum + f->second : f->second.clone();
    }
    return at::isFloatingType(sum.scalar_type()) ? sum / static_cast<double>(in.finetuned.size())
                                                 : in.finetuned.front().at(name);
}

void forEachTask(int64_t count, int workers, const std::function<void(int64_t)>& fn, const CancelToken& cancel)
{
    ParallelOptions pool;
    pool.workers = workers;
    parallelFor(
        static_cast<std::size_t>(std::max<int64_t>(0, count)),
        [&](std::size_t i, int) {
            torch::AutoGradMode grad(true);
            fn(static_cast<int64_t>(i));
        },
        cancel, pool);
}

bool isValidationStep(const TrainOptions& options, int64_t step)
{
    if (!options.validation || options.validation->empty() || options.validateEvery <= 0)
        return false;
    return step % options.validateEvery == 0 || step == options.steps;
}

std::vector<double> taskAccuracies(const std::function<at::Tensor(const at::Tensor&)>& embed,
                                   const std::vector<EvalTask>& tasks, const CancelToken& cancel)
{
    at::NoGradGuard noGrad;
    std::vector<double> out;
    for (const EvalTask& task : tasks) {
        int64_t correct = 0;
        const int64_t n = task.inputs.size(0);
        for (int64_t start = 0; start < n; start += 256) {
            throwIfCancelled(cancel);
            const int64_t end = std::min(n, start + 256);
            at::Tensor predicted = task.head.logits(embed(task.inputs.slice(0, start, end))).argmax(1);
            correct += predicted.eq(task.labels.slice(0, start, end)).sum().item<int64_t>();
        }
        out.push_back(n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0);
    }
    return out;
}

std::string formatStep(const StepReport& r)
{
    std::ostringstream s;
    char loss[32];
    std::snprintf(loss, sizeof loss, "%.5f", r.loss);
    s << "step " << r.step << "/" << r.steps << " loss " << loss;
    if (!r.coefficients.empty()) {
        s << " lambda";
        for (double c : r.coefficients) {
            char v[16];
            std::snprintf(v, sizeof v, " %.4f", c);
            s << v;
        }
    }
    return s.str();
}

} // namespace mergelab
