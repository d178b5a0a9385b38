// Diagonal Fisher by per-sample autograd through the functional ViT, then the weighted merge.
#include "datamerge/fisher_merge.h"

#include "common/error.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <memory>
#include <mutex>
#include <random>

namespace mergelab {

TensorMap diagonalFisher(const ClipVisionConfig& config, const TensorMap& weights, const EvalTask& task,
                         const FisherOptions& options, Progress& progress, const CancelToken& cancel, double done0,
                         double total)
{
    if (options.label != "sample" && options.label != "argmax")
        throw InputError({}, {}, "fisher label must be \"sample\" or \"argmax\", not \"" + options.label + "\"");
    if (options.batchSize < 1 || options.samplesPerTask < 1)
        throw InputError({}, {}, "fisher samples and batch size must be positive");
    torch::AutoGradMode grad(true);
    ScopedThreadSettings single;
    const std::vector<std::string> names = vitParameterNames(config);
    TensorMap params;
    std::vector<at::Tensor> leaves;
    for (const std::string& name : names) {
        auto it = weights.find(name);
        if (it == weights.end())
            throw InputError({}, name, "missing from a fine-tuned model");
        at::Tensor leaf = it->second.detach().requires_grad_(true);
        params[name] = leaf;
        leaves.push_back(leaf);
    }
    std::vector<at::Tensor> fisher;
    for (const at::Tensor& leaf : leaves)
        fisher.push_back(at::zeros_like(leaf, at::MemoryFormat::Contiguous).detach());

    std::mt19937_64 rng(options.seed);
    const int64_t n = std::min(options.samplesPerTask, task.inputs.size(0));
    int64_t batches = 0;
    for (int64_t start = 0; start < n; start += options.batchSize) {
        throwIfCancelled(cancel);
        const int64_t end = std::min(n, start + options.batchSize);
        at::Tensor logp =
            at::log_softmax(task.head.logits(vitForward(config, params, task.inputs.slice(0, start, end))), -1);
        std::vector<int64_t> labels;
        at::Tensor probs = logp.detach().exp().contiguous();
        for (int64_t r = 0; r < end - start; ++r) {
            if (options.label == "argmax") {
                labels.push_back(probs[r].argmax().item<int64_t>());
            } else {
                const float* p = probs[r].data_ptr<float>();
                std::discrete_distribution<int64_t> draw(p, p + probs.size(1));
                labels.push_back(draw(rng));
            }
        }
        at::Tensor picked = logp.gather(1, at::tensor(labels, at::kLong).unsqueeze(1)).mean();
        std::vector<at::Tensor> grads = torch::autograd::grad({picked}, leaves);
        for (std::size_t i = 0; i < grads.size(); ++i)
            if (grads[i].defined())
                fisher[i].add_(grads[i].square());
        ++batches;
        progress.update(done0 + static_cast<double>(end), total > 0 ? total : static_cast<double>(n),
                        "Fisher of " + task.name);
    }
    TensorMap out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out[names[i]] = fisher[i].div_(static_cast<double>(std::max<int64_t>(batches, 1)));
    return out;
}

TensorMap fisherMerge(const DataMergeInputs& in, const std::vector<TensorMap>& fishers, double epsilon)
{
    if (fishers.size() != in.finetuned.size())
        throw InputError(in.source, {}, "one Fisher per fine-tuned model expected");
    TensorMap out;
    for (const auto& [name, base] : in.base) {
        if (!fishers.front().count(name) || !at::isFloatingType(base.scalar_type())) {
            out[name] = averageTensor(in, name);
            continue;
        }
        at::Tensor numerator = at::zeros_like(base), denominator = at::zeros_like(base);
        for (std::size_t i = 0; i < fishers.size(); ++i) {
            at::Tensor weight = fishers[i].at(name) + epsilon;
            numerator.add_(weight * in.finetuned[i].at(name));
            denominator.add_(weight);
        }
        out[name] = numerator / denominator;
    }
    return out;
}

namespace {
// Sums the progress of tasks running side by side (each reports its own done count).
class TaskSumProgress {
public:
    TaskSumProgress(Progress& outer, std::size_t tasks, double total)
        : m_outer(outer), m_done(tasks, 0.0), m_total(total)
    {}
    Progress& forTask(std::size_t task, double start)
    {
        m_parts.emplace_back(new Part(*this, task, start));
        return *m_parts.back();
    }

private:
    struct Part : Progress {
        Part(TaskSumProgress& sum, std::size_t task, double start) : m_sum(sum), m_task(task), m_start(start) {}
        void update(double done, double, const std::string& message) override
        {
            double sum = 0;
            {
                std::lock_guard<std::mutex> lock(m_sum.m_mutex);
                m_sum.m_done[m_task] = done - m_start;
                for (double d : m_sum.m_done)
                    sum += d;
            }
            m_sum.m_outer.update(sum, m_sum.m_total, message);
        }
        void log(const std::string& line) override { m_sum.m_outer.log(line); }
        TaskSumProgress& m_sum;
        std::size_t m_task;
        double m_start;
    };
    Progress& m_outer;
    std::vector<double> m_done;
    double m_total;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Part>> m_parts;
};
} // namespace

TensorMap runFisherMerge(const DataMergeInputs& in, const FisherOptions& options, Progress& progress,
                         const CancelToken& cancel)
{
    in.validate();
    double total = 0;
    for (const EvalTask& t : in.tasks)
        total += static_cast<double>(std::min(options.samplesPerTask, t.inputs.size(0)));
    // Each fine-tune's Fisher is independent: tasks run side by side, one intra-op thread each.
    TaskSumProgress sum(progress, in.finetuned.size(), total);
    std::vector<Progress*> parts;
    for (std::size_t i = 0; i < in.finetuned.size(); ++i)
        parts.push_back(&sum.forTask(i, 0));
    std::vector<TensorMap> fishers(in.finetuned.size());
    forEachTask(
        in.numTasks(), options.workers,
        [&](int64_t i) {
            const auto t = static_cast<std::size_t>(i);
            FisherOptions o = options;
            o.seed = options.seed + static_cast<uint64_t>(i);
            const EvalTask& task = in.tasks[t];
            fishers[t] = diagonalFisher(in.config, in.finetuned[t], task, o, *parts[t], cancel);
            double trace = 0;
            for (const auto& [name, f] : fishers[t])
                trace += f.sum().item<double>();
            parts[t]->log("Fisher of " + task.name + ": trace " + std::to_string(trace));
        },
        cancel);
    return fisherMerge(in, fishers, options.epsilon);
}

} // namespace mergelab
