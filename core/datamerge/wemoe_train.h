// Training the WEMoE routers by entropy minimisation on unlabeled test inputs of every task.
#pragma once

#include "datamerge/wemoe_model.h"

namespace mergelab {

struct WeMoeOptions {
    WeMoeConfig model; // λ, router width and init
    TrainOptions train = makeTrainOptions(/*steps=*/1000, /*learningRate=*/1e-4);
};

// Adam on the router parameters only; each step runs one batch per task (inputs of tasks[i],
// frozen head i) and minimises the mean prediction entropy. Progress per step, loss logged.
// Returns the loss of every step.
std::vector<double> trainWeMoe(WeMoeModel& model, const std::vector<EvalTask>& tasks, const TrainOptions& options,
                               Progress& progress, const CancelToken& cancel);

// Upcycle + train.
std::shared_ptr<WeMoeModel> runWeMoe(const DataMergeInputs& in, const WeMoeOptions& options, Progress& progress,
                                     const CancelToken& cancel);

// Mean routing weight [layers, T] of `model` on `inputs` (a task's inputs): which task vectors the
// routers pick for that task, per block (the GUI heatmap's row for one input task).
at::Tensor meanRouting(const WeMoeModel& model, const at::Tensor& inputs, int64_t batchSize, const CancelToken& cancel);

} // namespace mergelab
