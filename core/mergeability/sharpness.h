#pragma once

#include "jobs/job.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <vector>

namespace mergelab {

// Differentiable loss of batch `batch` at the current values of the parameters.
using BatchLoss = std::function<at::Tensor(int64_t batch)>;

// Sharpness averaged over batches: L_b(θ + ε_b) − L_b(θ) with ε_b = ρ g_b / ‖g_b‖ (g_b the
// gradient of batch b, norm over all parameters together); 0 for a batch whose gradient vanishes.
struct SharpnessResult {
    double sharpness = 0;     // mean loss rise
    double loss = 0;          // mean L_b(θ)
    double perturbedLoss = 0; // mean L_b(θ + ε_b)
    int64_t batches = 0;
};

// Computes the sharpness of `loss` in `params` (leaf tensors that require grad). The parameters are
// restored exactly afterwards (also when cancelled or failing). Throws CancelledError per batch.
SharpnessResult sharpness(const std::vector<at::Tensor>& params, const BatchLoss& loss, int64_t batches, double rho,
                          const CancelToken& cancel);

} // namespace mergelab
