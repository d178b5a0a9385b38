#pragma once

#include "jobs/job.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mergelab {

using TensorMap = std::map<std::string, at::Tensor>;

// Predicted labels [N] of task `task` on its inputs under `params`.
using TaskPredictor = std::function<at::Tensor(const TensorMap& params, std::size_t task)>;

// Weight-disentanglement error (Ortiz-Jiménez et al. 2023): the share of task t's inputs whose
// prediction under θ0 + Σ_j α_j τ_j differs from the one under θ0 + α_t τ_t.
struct DisentanglementReport {
    std::vector<std::string> tasks;
    std::vector<double> alphas;
    // pairs[i][j], i != j: mean over t in {i, j} of the error with only τ_i and τ_j added; diagonal 0.
    std::vector<std::vector<double>> pairs;
    std::vector<double> all; // per task: the error with every task vector added
    double pairMean = 0;     // mean of the off-diagonal pairs
    double allMean = 0;      // mean of `all`
};

// θ0 + Σ_k coefficients[k] τ_k over the given task vectors (tensors absent from a task vector keep
// the base's value; a zero coefficient skips that vector).
TensorMap addTaskVectors(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                         const std::vector<double>& coefficients);

// Task vectors θ_k − θ0 of the floating-point tensors the base and the model share.
TensorMap taskVector(const TensorMap& base, const TensorMap& finetuned);

// Computes the report: T single-task predictions, T(T−1)/2 pairs, one all-task merge. Task k's data
// is predicted by predictor(·, k). Progress counts merges; throws CancelledError between them.
DisentanglementReport weightDisentanglement(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                                            const std::vector<std::string>& names, const std::vector<double>& alphas,
                                            const TaskPredictor& predict, Progress& progress,
                                            const CancelToken& cancel);

} // namespace mergelab
