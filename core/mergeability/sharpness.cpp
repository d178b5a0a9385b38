// Sharpness: the loss rise after one normalised gradient-ascent step of radius rho, per batch.
#include "mergeability/sharpness.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

namespace mergelab {

namespace {

// Puts the parameters back to their saved values whatever happens.
class RestoreParameters {
public:
    explicit RestoreParameters(const std::vector<at::Tensor>& params) : m_params(params)
    {
        at::NoGradGuard noGrad;
        for (const at::Tensor& p : params)
            m_saved.push_back(p.detach().clone());
    }
    ~RestoreParameters() { restore(); }
    void restore()
    {
        at::NoGradGuard noGrad;
        for (std::size_t i = 0; i < m_params.size(); ++i)
            m_params[i].copy_(m_saved[i]);
    }

private:
    std::vector<at::Tensor> m_params;
    std::vector<at::Tensor> m_saved;
};

} // namespace

SharpnessResult sharpness(const std::vector<at::Tensor>& params, const BatchLoss& loss, int64_t batches, double rho,
                          const CancelToken& cancel)
{
    if (rho < 0 || !std::isfinite(rho))
        throw InputError("sharpness radius rho must be >= 0 (got " + std::to_string(rho) + ")");
    SharpnessResult r;
    if (batches <= 0 || params.empty())
        return r;
    RestoreParameters guard(params);
    at::AutoGradMode gradMode(true);
    for (int64_t b = 0; b < batches; ++b) {
        throwIfCancelled(cancel);
        const at::Tensor l = loss(b);
        const double before = l.item<double>();
        const std::vector<at::Tensor> grads =
            torch::autograd::grad({l}, params, /*grad_outputs=*/{}, /*retain_graph=*/false, /*create_graph=*/false,
                                  /*allow_unused=*/true);
        double sq = 0;
        for (const at::Tensor& g : grads)
            if (g.defined())
                sq += g.to(at::kDouble).pow(2).sum().item<double>();
        const double norm = std::sqrt(sq);
        double after = before;
        if (norm > 1e-12 && rho > 0) {
            at::NoGradGuard noGrad;
            for (std::size_t i = 0; i < params.size(); ++i)
                if (grads[i].defined())
                    params[i].add_(grads[i], rho / norm);
            after = loss(b).item<double>();
            guard.restore();
        }
        r.loss += before;
        r.perturbedLoss += after;
        ++r.batches;
    }
    r.loss /= double(r.batches);
    r.perturbedLoss /= double(r.batches);
    r.sharpness = r.perturbedLoss - r.loss;
    return r;
}

} // namespace mergelab
