// core/eval: evaluators and the live tuner. Here: classification accuracy of a backbone (a checkpoint,
// or tensors merged in memory) on a project's tasks: frozen heads on its embeddings, per dataset split.
#pragma once

#include "io/model_set.h"
#include "jobs/job.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

class Backbone;

// logits = embeds' W^T + b, where embeds' is the L2-normalised embedding when normalize is set.
struct TaskHead {
    at::Tensor weight; // [classes, D] float32
    at::Tensor bias;   // [classes] or undefined
    bool normalize = false;
    at::Tensor logits(const at::Tensor& embeddings) const;
};

// One task ready to evaluate: head plus network inputs (normalised float32) and labels.
struct EvalTask {
    std::string name;
    TaskHead head;
    at::Tensor inputs; // [N, C, H, W] float32
    at::Tensor labels; // [N] int64
};

// Accuracy on one task.
struct TaskAccuracy {
    std::string name;
    double accuracy = 0; // in [0, 1]
    int64_t correct = 0;
    int64_t samples = 0;
};

// Per-task accuracy of one backbone.
struct EvalResult {
    std::string checkpoint; // path or label ("merged", "recipe.json")
    std::string split;
    std::vector<TaskAccuracy> tasks;
    double average() const; // mean of the task accuracies (0 when none)
    // {"checkpoint","split","tasks":[{"name","accuracy","samples"}],"average"}
    std::string toJson() const;
};

// Reads every floating-point tensor of a checkpoint as float32 (other dtypes are kept as stored).
// Throws the reader's errors (naming file and tensor).
std::map<std::string, at::Tensor> readCheckpointTensors(const std::string& path);

// Loads every task of `set` that has both a dataset and a head: head tensors and the first
// `limit` samples (limit < 0: all) of `split`. Throws InputError when no task qualifies.
std::vector<EvalTask> loadEvalTasks(const ModelSet& set, const std::string& split, int64_t limit);

// Counts correct top-1 predictions per task under c10::InferenceMode, batches spread over one
// thread per core (the backbone's forward must be safe to call concurrently; both built-in ones are).
// Progress per batch (from several threads); throws CancelledError when cancelled.
EvalResult evaluateBackbone(Backbone& backbone, const std::vector<EvalTask>& tasks, int64_t batchSize,
                            Progress& progress, const CancelToken& cancel);

// A project's architecture and evaluation data, loaded once, evaluated for many backbones.
// Not thread-safe: one evaluation at a time per Evaluator (the GUI keeps one per worker).
class Evaluator {
public:
    // Throws InputError when the project has no architecture or no evaluable task.
    Evaluator(const ModelSet& set, const std::string& split, int64_t limit = -1);
    ~Evaluator();

    // Loads a checkpoint's tensors into the backbone (strict) and evaluates.
    EvalResult evaluateCheckpoint(const std::string& path, Progress& progress, const CancelToken& cancel);
    // Evaluates parameters produced in memory (a merge). `label` names the result.
    EvalResult evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                               Progress& progress, const CancelToken& cancel);

    const std::vector<EvalTask>& tasks() const { return m_tasks; }
    const std::string& split() const { return m_split; }
    Backbone& backbone() { return *m_backbone; }
    int64_t batchSize = 256;

private:
    std::string m_split;
    std::unique_ptr<Backbone> m_backbone;
    std::vector<EvalTask> m_tasks;
};

// Evaluates one checkpoint as a cancellable Job (CLI, GUI).
class EvaluateJob : public Job {
public:
    EvaluateJob(std::shared_ptr<Evaluator> evaluator, std::string checkpointPath);
    std::string name() const override { return "Evaluate " + m_path; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const EvalResult& result() const { return m_result; }

private:
    std::shared_ptr<Evaluator> m_evaluator;
    std::string m_path;
    EvalResult m_result;
};

} // namespace mergelab
