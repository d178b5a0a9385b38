// The live-tuning path: base, fine-tuned parameters and a validation subset stay in memory; new
// coefficients -> per-tensor merge -> accuracy of every task. Two shortcuts keep a new coefficient
// cheap: task_arithmetic is computed directly as base + sum of c_i * task vector (linear in the
// task vectors), and for every method with a "lambda" (the registry's scale of the merged delta)
// the merge at lambda = 1 is kept, so a new lambda alone costs one axpy per tensor.
#pragma once

#include "eval/evaluator.h"
#include "merge/merge_method.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mergelab {

// Thread-safe: calls are serialised; cancel a superseded call with its CancelToken.
class MergeTuner {
public:
    // Loads the project's base and fine-tuned checkpoints (all float32, in memory), its
    // architecture, heads and the first `samplesPerTask` samples of `split` of each task.
    MergeTuner(const ModelSet& set, int64_t samplesPerTask = 256, const std::string& split = "val");
    ~MergeTuner();

    // Merges every parameter with `method` (a registry name such as "task_arithmetic", "ties",
    // "dare_ties"); parameters missing from params.global get the method's defaults; params.perModel
    // (aligned with modelNames()) sets per-model values such as "weight" or "density". Same result as
    // the registry's method (up to float rounding). Throws InputError for an unknown method or a bad
    // parameter, CancelledError when cancelled.
    std::map<std::string, at::Tensor> merge(const std::string& method, const TensorParams& params,
                                            const CancelToken& cancel);
    // merge() then evaluate all tasks on the kept samples.
    EvalResult evaluate(const std::string& method, const TensorParams& params, Progress& progress,
                        const CancelToken& cancel);
    // Evaluates in-memory parameters (e.g. one of the inputs) on the kept samples.
    EvalResult evaluateTensors(const std::map<std::string, at::Tensor>& tensors, const std::string& label,
                               Progress& progress, const CancelToken& cancel);

    const std::vector<std::string>& modelNames() const { return m_modelNames; }
    const std::map<std::string, at::Tensor>& base() const { return m_base; }
    const std::vector<std::map<std::string, at::Tensor>>& models() const { return m_models; }
    // Evaluation samples per task and split the tuner was built with.
    const Evaluator& evaluator() const { return *m_evaluator; }

private:
    std::map<std::string, at::Tensor> mergeThroughRegistry(const MergeMethod& method, const TensorParams& params,
                                                           const CancelToken& cancel) const;
    std::map<std::string, at::Tensor> mergeTaskArithmetic(const TensorParams& params, const CancelToken& cancel);

    std::mutex m_mutex;      // one evaluation at a time
    std::mutex m_cacheMutex; // the shortcuts' state below
    std::vector<std::map<std::string, at::Tensor>> m_taskVectors; // θi - θ0, made on first use
    std::string m_unitKey;                                       // method + params except lambda
    std::map<std::string, at::Tensor> m_unitDelta;               // merge at lambda = 1, minus the base
    std::unique_ptr<Evaluator> m_evaluator;
    std::map<std::string, at::Tensor> m_base;
    std::vector<std::map<std::string, at::Tensor>> m_models;
    std::vector<std::string> m_modelNames;
};

// One tuning evaluation as a Job (the GUI runs it on its pool; a newer one cancels the older).
class TuneJob : public Job {
public:
    TuneJob(std::shared_ptr<MergeTuner> tuner, std::string method, TensorParams params);
    std::string name() const override { return "Evaluate " + m_method; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const EvalResult& result() const { return m_result; }

private:
    std::shared_ptr<MergeTuner> m_tuner;
    std::string m_method;
    TensorParams m_params;
    EvalResult m_result;
};

} // namespace mergelab
