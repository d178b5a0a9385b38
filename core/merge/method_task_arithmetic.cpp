// The generalized task arithmetic family (mergekit's generalized_task_arithmetic.py): task_arithmetic,
// ties, dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties. One rule with two switches:
// how each task vector is sparsified, and whether a sign consensus masks the weighted deltas.
#include "merge/method_task_arithmetic.h"

#include "merge/builtin_methods.h"
#include "merge/sparsify.h"
#include "merge/task_arithmetic.h"

#include <ATen/ATen.h>

namespace mergelab {

using Sparsify = TaskArithmeticFamily::Sparsify;

TaskArithmeticFamily::TaskArithmeticFamily(std::string name, std::string description, Sparsify sparsify, bool consensus,
                                           bool defaultNormalize)
    : m_name(std::move(name)), m_description(std::move(description)), m_sparsify(sparsify), m_consensus(consensus),
      m_defaultNormalize(defaultNormalize)
{}

std::vector<ParamDef> TaskArithmeticFamily::params() const
{
    std::vector<ParamDef> defs = {weightParam(), lambdaParam(),
                                  boolParam("normalize", m_defaultNormalize,
                                            "divide by the sum of the weights (of agreeing models with a consensus)"),
                                  boolParam("int8_mask", false, "accepted for mergekit recipes; no effect")};
    if (m_sparsify != Sparsify::None)
        defs.push_back(densityParam());
    if (m_sparsify == Sparsify::Random)
        defs.push_back(boolParam("rescale", true, "divide kept entries by density"));
    if (m_sparsify == Sparsify::MagnitudeOutliers)
        defs.push_back(ParamDef{"gamma", 0.01, 0, 1, false, true, false, false,
                                "fraction of the largest-magnitude entries dropped"});
    return defs;
}

at::Tensor TaskArithmeticFamily::merge(const std::string& tensorName, const at::Tensor& base,
                                       const std::vector<at::Tensor>& models, const TensorParams& p) const
{
    if (models.empty())
        return base;
    // The engine hands over private float32 copies, so each delta reuses its model's memory.
    std::vector<at::Tensor> deltas;
    for (const at::Tensor& model : models)
        deltas.push_back(at::Tensor(model).sub_(base));
    return applyTaskVector(base, mergeTaskVectors(tensorName, std::move(deltas), p, true), p.get("lambda", 1.0), true);
}

at::Tensor TaskArithmeticFamily::mergeTaskVectors(const std::string& tensorName, std::vector<at::Tensor> deltas,
                                                  const TensorParams& p, bool overwrite) const
{
    const auto seed = static_cast<uint64_t>(p.get("seed", 0));
    std::vector<double> weights;
    for (std::size_t i = 0; i < deltas.size(); ++i) {
        weights.push_back(p.model(i, "weight", 1.0));
        if (m_sparsify == Sparsify::None)
            continue;
        at::Tensor& delta = deltas[i];
        if (!overwrite)
            delta = delta.clone(); // sparsification works in place
        const double density = p.model(i, "density", 1.0);
        switch (m_sparsify) {
        case Sparsify::None:
            break;
        case Sparsify::Magnitude:
            sparsifyMagnitude(delta, density);
            break;
        case Sparsify::Random:
            sparsifyRandom(delta, density, p.get("rescale", 1) != 0, derivedSeed(seed, tensorName, i));
            break;
        case Sparsify::MagnitudeOutliers:
            sparsifyMagnitudeOutliers(delta, density, p.model(i, "gamma", 0.01));
            break;
        }
    }
    overwrite = overwrite || m_sparsify != Sparsify::None;
    const bool normalize = p.get("normalize", m_defaultNormalize ? 1 : 0) != 0;
    if (!m_consensus)
        return weightedTaskVectorSum(deltas, weights, normalize, overwrite);

    // mergekit's get_mask(method="sum"): the elected sign is + where the sum of the weighted
    // deltas is >= 0; an entry joins when its sign equals it (zeros never do).
    for (std::size_t i = 0; i < deltas.size(); ++i)
        deltas[i] = overwrite ? deltas[i].mul_(weights[i]) : deltas[i].mul(weights[i]);
    at::Tensor sum = deltas[0].clone();
    for (std::size_t i = 1; i < deltas.size(); ++i)
        sum.add_(deltas[i]);
    const at::Tensor positive = sum.ge(0);
    sum = at::Tensor();
    at::Tensor mixed = at::zeros_like(deltas[0]);
    at::Tensor divisor = at::zeros_like(deltas[0]);
    for (std::size_t i = 0; i < deltas.size(); ++i) {
        const at::Tensor agrees = at::where(positive, deltas[i].gt(0), deltas[i].lt(0));
        mixed.add_(deltas[i] * agrees);
        divisor.add_(agrees, weights[i]);
        deltas[i] = at::Tensor();
    }
    divisor.masked_fill_(divisor.eq(0), 1.0);
    if (normalize)
        mixed.div_(divisor);
    return mixed;
}

void registerTaskArithmeticMethods()
{
    registerMethod(std::make_unique<TaskArithmeticFamily>(
        "task_arithmetic", "base + sum of weighted task vectors (Ilharco et al. 2023)", Sparsify::None, false, false));
    registerMethod(std::make_unique<TaskArithmeticFamily>(
        "ties", "TIES: magnitude trim to density, sign election, disjoint weighted mean (Yadav et al. 2023)",
        Sparsify::Magnitude, true, true));
    registerMethod(std::make_unique<TaskArithmeticFamily>(
        "dare_linear", "DARE: random drop keeping density, rescale, then task arithmetic (Yu et al. 2024)",
        Sparsify::Random, false, false));
    registerMethod(std::make_unique<TaskArithmeticFamily>(
        "dare_ties", "DARE drop and rescale, then TIES sign election and disjoint mean", Sparsify::Random, true,
        false));
    registerMethod(std::make_unique<TaskArithmeticFamily>(
        "breadcrumbs", "Model Breadcrumbs: drop the largest gamma and the smallest entries, keep density",
        Sparsify::MagnitudeOutliers, false, false));
    registerMethod(std::make_unique<TaskArithmeticFamily>("breadcrumbs_ties",
                                                          "Model Breadcrumbs sparsification with TIES sign election",
                                                          Sparsify::MagnitudeOutliers, true, false));
}

} // namespace mergelab
