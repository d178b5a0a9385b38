// The task arithmetic kernel. Its callers rely on one fixed order of float operations (scale each
// task vector, add in model order, divide, scale by lambda, add the base) to match bit for bit.
#include "merge/task_arithmetic.h"

#include <ATen/ATen.h>

#include <cmath>

namespace mergelab {

at::Tensor weightedTaskVectorSum(const std::vector<at::Tensor>& taskVectors, const std::vector<double>& weights,
                                 bool normalize, bool overwrite)
{
    at::Tensor sum;
    double total = 0;
    for (std::size_t i = 0; i < taskVectors.size(); ++i) {
        at::Tensor weighted = overwrite ? taskVectors[i].mul_(weights[i]) : taskVectors[i].mul(weights[i]);
        if (sum.defined())
            sum.add_(weighted);
        else
            sum = weighted;
        total += weights[i];
    }
    if (normalize) {
        if (std::abs(total) < 1e-8)
            total = 1;
        sum.div_(at::scalar_tensor(total, sum.options()));
    }
    return sum;
}

at::Tensor applyTaskVector(const at::Tensor& base, const at::Tensor& delta, double lambda, bool overwrite)
{
    if (overwrite) {
        at::Tensor out = delta;
        if (lambda != 1.0)
            out.mul_(lambda);
        return out.add_(base);
    }
    return lambda != 1.0 ? delta.mul(lambda).add_(base) : at::add(delta, base);
}

at::Tensor taskArithmeticTensor(const at::Tensor& base, const std::vector<at::Tensor>& taskVectors,
                                const std::vector<double>& weights, bool normalize, double lambda, bool overwrite)
{
    return applyTaskVector(base, weightedTaskVectorSum(taskVectors, weights, normalize, overwrite), lambda, true);
}

} // namespace mergelab
