// core/datamerge: merges that learn from data (Fisher, RegMean, AdaMerging, WEMoE) on the native
// CLIP ViT (models/functional_vit.h). This header: what every data-driven merge takes (base and
// fine-tuned weights in memory, each fine-tune's task: frozen head + inputs) and the training knobs
// shared by the learned merges.
#pragma once

#include "eval/evaluator.h"
#include "io/tensor_map.h" // saveTensorMap, for the learned merges' outputs
#include "jobs/job.h"
#include "models/functional_vit.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mergelab {

class ModelSet;

// Base θ0, fine-tunes θi and task i's data (tasks[i] belongs to finetuned[i]), all float32 on CPU.
struct DataMergeInputs {
    ClipVisionConfig config;
    TensorMap base;
    std::vector<TensorMap> finetuned;
    std::vector<EvalTask> tasks;
    std::string source; // project path or label, for error messages

    int64_t numTasks() const { return static_cast<int64_t>(finetuned.size()); }
    // Checks that every backbone tensor is present with the same shape everywhere and that there
    // is one task per fine-tune; throws InputError naming the source and tensor.
    void validate() const;
};

// Loads a project (architecture "clip_vit"; every fine-tune names a task with dataset and head):
// weights as float32 and the first `samplesPerTask` samples of `split` (< 0: all).
DataMergeInputs loadDataMergeInputs(const ModelSet& set, const std::string& split, int64_t samplesPerTask);

// One optimisation step of a learned merge, reported to the GUI chart / the log.
struct StepReport {
    int64_t step = 0; // 1-based
    int64_t steps = 0;
    double loss = 0;                  // mean prediction entropy over the step's task batches
    std::vector<double> coefficients; // AdaMerging: λ (task-wise) or per-task means (layer-wise)
    // Filled on validation steps only (TrainOptions::validateEvery): top-1 accuracy per validation
    // task of the model after this step, in [0, 1].
    std::vector<double> validation;
    // WEMoE on validation steps: per validation task, its mean routing weight per block and task
    // vector, row-major [layers x T] (routingLayers rows).
    std::vector<std::vector<double>> routing;
    int64_t routingLayers = 0;
};
using StepCallback = std::function<void(const StepReport&)>;

// Shared knobs of the entropy-minimising merges (AdaMerging, WEMoE).
struct TrainOptions {
    int64_t steps = 100;
    double learningRate = 1e-3;
    int64_t batchSize = 16; // per task and step
    uint64_t seed = 0;
    StepCallback onStep; // called after each step (any thread: the job's)
    // Threads that run the tasks' batches of a step side by side (0: one per core). Each uses one
    // intra-op thread: on 2 shared cores torch's own intra-op threads made a step 10-40x slower.
    int workers = 0;
    // Labelled tasks (same order as the training tasks) evaluated every `validateEvery` steps
    // (0: never) and after the last step; results go into StepReport::validation.
    std::shared_ptr<const std::vector<EvalTask>> validation;
    int64_t validateEvery = 0;
};

// TrainOptions with these steps and learning rate, defaults otherwise.
inline TrainOptions makeTrainOptions(int64_t steps, double learningRate)
{
    TrainOptions o;
    o.steps = steps;
    o.learningRate = learningRate;
    return o;
}

// Runs fn(i) for every i in [0, count) on the task pool (parallelFor: up to `workers` threads, 0: one
// per core, one intra-op thread each, first exception rethrown) with autograd enabled.
void forEachTask(int64_t count, int workers, const std::function<void(int64_t)>& fn, const CancelToken& cancel);

// Whether `options` asks for a validation at `step` (every validateEvery steps and the last one).
bool isValidationStep(const TrainOptions& options, int64_t step);

// Top-1 accuracy per task of `embed` (inputs -> image embeddings), without autograd, batches of 256.
std::vector<double> taskAccuracies(const std::function<at::Tensor(const at::Tensor&)>& embed,
                                   const std::vector<EvalTask>& tasks, const CancelToken& cancel);

// Mean Shannon entropy (nats) of softmax(logits) over the batch.
at::Tensor meanEntropy(const at::Tensor& logits);

// `batch` rows of `inputs` drawn without replacement (all rows when fewer).
at::Tensor sampleRows(const at::Tensor& inputs, int64_t batch, std::mt19937_64& rng);

// θ0 + Σ λi τi for every floating tensor of the base (non-float tensors copied from the base).
TensorMap taskArithmetic(const DataMergeInputs& in, double lambda);

// Plain mean of the fine-tunes for one tensor name.
at::Tensor averageTensor(const DataMergeInputs& in, const std::string& name);

// Formats "step 12/100 loss 1.2345 [λ ...]" for Progress::log.
std::string formatStep(const StepReport& report);

} // namespace mergelab
