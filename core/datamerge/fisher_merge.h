// Fisher merging (Matena & Raffel 2022): θ = Σ Fi θi / Σ Fi with a diagonal Fisher per fine-tune.
#pragma once

#include "datamerge/data_merge_inputs.h"

namespace mergelab {

struct FisherOptions {
    int64_t samplesPerTask = 256; // first N inputs of each task
    // 1: exact per-sample squared gradients. B > 1: squared gradient of the mean log-likelihood of
    // B samples (FusionBench's shortcut; ~B times cheaper, biased low by correlations).
    int64_t batchSize = 1;
    // How y in log p(y|x) is chosen: "sample" draws y ~ p(y|x; θi) (the true Fisher, default);
    // "argmax" takes the model's prediction (cheaper to reason about, no randomness).
    std::string label = "sample";
    double epsilon = 1e-8; // added to every Fisher entry: zero-Fisher coordinates fall back to the average
    uint64_t seed = 0;
    int workers = 0; // fine-tunes whose Fisher is computed side by side (0: one per core)
};

// Diagonal Fisher of `weights` (one fine-tune) on `task`'s inputs, for every backbone tensor.
// Progress counts samples from `done0` out of `total`.
TensorMap diagonalFisher(const ClipVisionConfig& config, const TensorMap& weights, const EvalTask& task,
                         const FisherOptions& options, Progress& progress, const CancelToken& cancel, double done0 = 0,
                         double total = 0);

// θ = Σ (Fi + ε) θi / Σ (Fi + ε) for every tensor `fishers` cover; the mean of the fine-tunes for
// the rest (non-backbone tensors such as other towers).
TensorMap fisherMerge(const DataMergeInputs& in, const std::vector<TensorMap>& fishers, double epsilon);

// Both steps: Fisher of every fine-tune on its own task, then the weighted merge.
TensorMap runFisherMerge(const DataMergeInputs& in, const FisherOptions& options, Progress& progress,
                         const CancelToken& cancel);

} // namespace mergelab
