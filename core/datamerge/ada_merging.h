// AdaMerging (Yang et al. 2024): task arithmetic whose coefficients are learned by minimising the
// entropy of the merged model's predictions on unlabeled test inputs of every task.
#pragma once

#include "datamerge/data_merge_inputs.h"

namespace mergelab {

struct AdaMergingOptions {
    bool layerWise = false;  // false: one λi per task; true: λi,p per task and backbone tensor
    double initLambda = 0.3; // prior λ of every coefficient
    TrainOptions train = makeTrainOptions(/*steps=*/100, /*learningRate=*/1e-3);
};

struct AdaMergingResult {
    TensorMap merged;                     // θ0 + Σ λ τ (non-backbone tensors use each task's mean λ)
    at::Tensor lambdas;                   // [T] or [T, P] (columns follow tensorNames)
    std::vector<std::string> tensorNames; // the backbone tensors (layer-wise columns)
    std::vector<double> losses;           // mean entropy per step (before the step's update)
};

// θ0 + Σ λ τ for the backbone tensors with λ of shape [T] or [T, P] (detached).
TensorMap adaMergedBackbone(const DataMergeInputs& in, const at::Tensor& lambdas);

// Trains the coefficients with Adam. Each step merges once, then runs one batch per task through
// the merged ViT and its frozen head; dLoss/dλ = Σ_p <dLoss/dθ_p, τ_p> (chain rule by hand so only
// one task's graph is alive at a time). Progress per step; loss logged per step.
AdaMergingResult runAdaMerging(const DataMergeInputs& in, const AdaMergingOptions& options, Progress& progress,
                               const CancelToken& cancel);

} // namespace mergelab
