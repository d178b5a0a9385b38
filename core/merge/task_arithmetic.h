// Task arithmetic of one tensor, θ0 + λ · Σ wᵢ τᵢ: the one home of the formula. The registry's
// task_arithmetic family, the live tuner and the learned merges' starting point all call it, so
// they give the same float32 tensors.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace mergelab {

// Σ wᵢ τᵢ in model order, divided by Σ wᵢ when normalize (a sum near 0 divides by 1). overwrite:
// the task vectors are the caller's private copies and may be scaled in place (saves memory).
at::Tensor weightedTaskVectorSum(const std::vector<at::Tensor>& taskVectors, const std::vector<double>& weights,
                                 bool normalize, bool overwrite);
// base + lambda · delta; overwrite: delta may be scaled in place and returned.
at::Tensor applyTaskVector(const at::Tensor& base, const at::Tensor& delta, double lambda, bool overwrite);
// applyTaskVector(base, weightedTaskVectorSum(taskVectors, weights, normalize, overwrite), lambda).
at::Tensor taskArithmeticTensor(const at::Tensor& base, const std::vector<at::Tensor>& taskVectors,
                                const std::vector<double>& weights, bool normalize, double lambda, bool overwrite);

} // namespace mergelab
