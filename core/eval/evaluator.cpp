// Evaluator: backbone + frozen task heads -> per-task top-1 accuracy.
#include "eval/evaluator.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/dataset.h"
#include "io/runtime.h"
#include "io/torch_tensor.h"
#include "jobs/task_pool.h"
#include "models/backbone.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <nlohmann/json.hpp>

#include <atomic>

namespace mergelab {

at::Tensor TaskHead::logits(const at::Tensor& embeddings) const
{
    at::Tensor e = normalize ? embeddings / embeddings.norm(2, -1, true).clamp_min(1e-12) : embeddings;
    at::Tensor out = at::matmul(e, weight.t());
    return bias.defined() ? out + bias : out;
}

double EvalResult::average() const
{
    if (tasks.empty())
        return 0;
    double sum = 0;
    for (const TaskAccuracy& t : tasks)
        sum += t.accuracy;
    return sum / static_cast<double>(tasks.size());
}

std::string EvalResult::toJson() const
{
    nlohmann::json j;
    j["checkpoint"] = checkpoint;
    j["split"] = split;
    j["tasks"] = nlohmann::json::array();
    for (const TaskAccuracy& t : tasks)
        j["tasks"].push_back(
            {{"name", t.name}, {"accuracy", t.accuracy}, {"correct", t.correct}, {"samples", t.samples}});
    j["average"] = average();
    return j.dump(2);
}

std::map<std::string, at::Tensor> readCheckpointTensors(const std::string& path)
{
    std::unique_ptr<Checkpoint> ckpt = Checkpoint::open(path);
    std::map<std::string, at::Tensor> out;
    for (const TensorInfo& info : ckpt->tensors()) {
        at::Tensor t = toTorch(ckpt->read(info.name));
        out[info.name] = at::isFloatingType(t.scalar_type()) ? t.to(at::kFloat).clone() : t.clone();
    }
    return out;
}

namespace {

at::Tensor readHeadTensor(const Checkpoint& ckpt, const std::string& name, const std::string& task)
{
    if (!ckpt.contains(name))
        throw InputError(ckpt.path(), name, "head of task \"" + task + "\" not found");
    return toTorch(ckpt.read(name)).to(at::kFloat).clone();
}

} // namespace

std::vector<EvalTask> loadEvalTasks(const ModelSet& set, const std::string& split, int64_t limit)
{
    std::vector<EvalTask> out;
    std::map<std::string, std::shared_ptr<Checkpoint>> heads; // heads files are often shared
    for (const TaskEntry& entry : set.tasks) {
        if (entry.dataset.empty() || entry.head.empty())
            continue;
        auto& ckpt = heads[entry.head];
        if (!ckpt)
            ckpt = Checkpoint::open(entry.head);
        EvalTask task;
        task.name = entry.name;
        task.head.weight = readHeadTensor(*ckpt, entry.headTensor, entry.name);
        if (task.head.weight.dim() != 2)
            throw InputError(entry.head, entry.headTensor, "a head must be a matrix [classes, features]");
        if (!entry.headBias.empty())
            task.head.bias = readHeadTensor(*ckpt, entry.headBias, entry.name);
        task.head.normalize = entry.normalize;
        const DatasetInfo info = readDatasetInfo(entry.dataset);
        const LabeledImages data = readSplit(entry.dataset, split, limit);
        if (!info.classNames.empty() && static_cast<int64_t>(info.classNames.size()) != task.head.weight.size(0))
            throw InputError(entry.head, entry.headTensor,
                             "head has " + std::to_string(task.head.weight.size(0)) + " classes, dataset " +
                                 entry.dataset + " has " + std::to_string(info.classNames.size()));
        task.inputs = normalizeImages(data.images, info);
        task.labels = data.labels;
        out.push_back(std::move(task));
    }
    if (out.empty())
        throw InputError(set.projectPath(), {}, "no task has both a dataset and a head to evaluate with");
    return out;
}

EvalResult evaluateBackbone(Backbone& backbone, const std::vector<EvalTask>& tasks, int64_t batchSize,
                            Progress& progress, const CancelToken& cancel)
{
    if (batchSize <= 0)
        throw InputError("evaluation batch size must be positive, got " + std::to_string(batchSize));
    struct Batch {
        std::size_t task;
        int64_t start, end;
    };
    std::vector<Batch> batches;
    int64_t total = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const int64_t n = tasks[i].labels.size(0);
        total += n;
        for (int64_t start = 0; start < n; start += batchSize)
            batches.push_back({i, start, std::min(n, start + batchSize)});
    }
    // Whole batches run in parallel, one thread per core torch may use (at::get_num_threads(), as
    // the caller configured it); the ops inside a batch stay on its thread (the task pool's rule).
    // Small batches scale far better this way than with parallelism inside each op. Batches are
    // handed out dynamically: cores are shared.
    ParallelOptions pool;
    pool.workers = at::get_num_threads();
    keepFreedHeapForReuse(); // activations of every batch reuse the last batch's memory
    std::vector<std::atomic<int64_t>> correct(tasks.size());
    std::atomic<int64_t> done{0};
    try {
        parallelFor(
            batches.size(),
            [&](std::size_t b, int) {
                c10::InferenceMode inference;
                const Batch& batch = batches[b];
                const EvalTask& task = tasks[batch.task];
                at::Tensor embeds = backbone.embed(task.inputs.slice(0, batch.start, batch.end));
                if (embeds.dim() != 2 || embeds.size(1) != task.head.weight.size(1))
                    throw InputError({}, task.name,
                                     "backbone embeddings have shape " + std::string(c10::str(embeds.sizes())) +
                                         ", the head expects " + std::to_string(task.head.weight.size(1)) +
                                         " features");
                at::Tensor predicted = task.head.logits(embeds).argmax(1);
                correct[batch.task] += predicted.eq(task.labels.slice(0, batch.start, batch.end)).sum().item<int64_t>();
                const int64_t d = done += batch.end - batch.start;
                progress.update(static_cast<double>(d), static_cast<double>(total), "evaluating " + task.name);
            },
            cancel, pool);
    } catch (const c10::Error& e) {
        throw InputError("evaluation failed: " + std::string(e.what_without_backtrace()));
    }
    EvalResult result;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        TaskAccuracy acc;
        acc.name = tasks[i].name;
        acc.samples = tasks[i].labels.size(0);
        acc.correct = correct[i];
        acc.accuracy = acc.samples ? static_cast<double>(acc.correct) / static_cast<double>(acc.samples) : 0.0;
        result.tasks.push_back(acc);
    }
    return result;
}

Evaluator::Evaluator(const ModelSet& set, const std::string& split, int64_t limit) : m_split(split)
{
    if (set.architecture.type.empty())
        throw InputError(set.projectPath(), {}, "the project names no architecture to evaluate with");
    m_backbone = makeBackbone(set.architecture.type,
                              set.architecture.type == "clip_vit" ? set.architecture.config : set.architecture.path);
    m_tasks = loadEvalTasks(set, split, limit);
}

Evaluator::~Evaluator() = default;

EvalResult Evaluator::evaluateCheckpoint(const std::string& path, Progress& progress, const CancelToken& cancel)
{
    EvalResult r = evaluateTensors(readCheckpointTensors(path), path, progress, cancel);
    return r;
}

EvalResult Evaluator::evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                                      Progress& progress, const CancelToken& cancel)
{
    m_backbone->setParameters(tensors, /*strict=*/true, label);
    EvalResult r = evaluateBackbone(*m_backbone, m_tasks, batchSize, progress, cancel);
    r.checkpoint = label;
    r.split = m_split;
    return r;
}

EvaluateJob::EvaluateJob(std::shared_ptr<Evaluator> evaluator, std::string checkpointPath)
    : m_evaluator(std::move(evaluator)), m_path(std::move(checkpointPath))
{}

void EvaluateJob::run(Progress& progress, const CancelToken& cancel)
{
    m_result = m_evaluator->evaluateCheckpoint(m_path, progress, cancel);
}

} // namespace mergelab
