#pragma once

#include "mergeability/disentanglement.h"

#include <string>
#include <utility>
#include <vector>

namespace mergelab {

// Mean loss and accuracy of task `task`'s data under `params`.
using TaskScore = std::function<std::pair<double, double>(const TensorMap& params, std::size_t task)>;

// Loss and accuracy at θ0 + a τ_A + b τ_B over a grid of (a, b), measured on tasks A and B (mean of
// the two). A line when there is no task B (alphasB = {0}).
struct CoefficientSurface {
    std::string taskA, taskB; // taskB "" for a line
    std::vector<double> alphasA, alphasB;
    std::vector<std::vector<double>> loss, accuracy; // [ia][ib]
};

// Parses "start:stop:step" (inclusive stop, step > 0) or one number. Throws InputError.
std::vector<double> parseGrid(const std::string& text);

// Evaluates the grid. indexB < 0: a line along τ_A. Progress per grid point; cancellable.
CoefficientSurface coefficientSurface(const TensorMap& base, const std::vector<TensorMap>& taskVectors,
                                      const std::vector<std::string>& names, int indexA, int indexB,
                                      const std::vector<double>& alphasA, const std::vector<double>& alphasB,
                                      const TaskScore& score, Progress& progress, const CancelToken& cancel);

} // namespace mergelab
