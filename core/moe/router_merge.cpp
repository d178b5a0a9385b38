// Router row merging rules and the routing-mass measure used to compare them.
#include "moe/router_merge.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace mergelab {

const char* routerRuleName(RouterRule rule)
{
    switch (rule) {
    case RouterRule::Mean:
        return "mean";
    case RouterRule::Usage:
        return "usage";
    case RouterRule::LseFit:
        return "lse";
    }
    return "mean";
}

RouterRule parseRouterRule(const std::string& text)
{
    if (text == "mean")
        return RouterRule::Mean;
    if (text == "usage")
        return RouterRule::Usage;
    if (text == "lse")
        return RouterRule::LseFit;
    throw InputError("router rule \"" + text + "\" is unknown (expected mean, usage or lse)");
}

namespace {

at::Tensor groupIndex(const std::vector<int>& group)
{
    std::vector<int64_t> idx(group.begin(), group.end());
    return at::tensor(idx, at::kLong);
}

// [N, K] log of each group's total routing mass under `router`.
at::Tensor groupLogMass(const at::Tensor& router, const std::vector<std::vector<int>>& groups, const at::Tensor& x)
{
    at::Tensor logProbs = at::log_softmax(at::matmul(x, router.t()), -1);
    std::vector<at::Tensor> cols;
    for (const auto& g : groups)
        cols.push_back(at::logsumexp(logProbs.index_select(1, groupIndex(g)), {1}));
    return at::stack(cols, 1);
}

} // namespace

at::Tensor mergeRouterRows(const at::Tensor& router, const std::vector<std::vector<int>>& groups, RouterRule rule,
                           const std::vector<double>& usage, const at::Tensor& inputs)
{
    at::Tensor r = router.to(at::kDouble);
    std::vector<at::Tensor> rows;
    if (rule == RouterRule::Usage && usage.size() != static_cast<std::size_t>(router.size(0)))
        throw InputError("router rule 'usage' needs routing usage of every expert (give calibration data)");
    if (rule == RouterRule::LseFit) {
        if (!inputs.defined() || inputs.dim() != 2 || inputs.size(1) != router.size(1))
            throw InputError("router rule 'lse' needs calibration router inputs of width " +
                             std::to_string(router.size(1)));
        at::Tensor x = inputs.to(at::kDouble);
        at::Tensor logits = at::matmul(x, r.t());
        std::vector<at::Tensor> targets;
        for (const auto& g : groups)
            targets.push_back(at::logsumexp(logits.index_select(1, groupIndex(g)), {1}));
        at::Tensor y = at::stack(targets, 1); // [N, K]
        // Softmax ignores a per-input shift, so fit the group logits relative to their mean: the
        // rows are then free to use that shift instead of spending it on matching absolute levels.
        y = y - y.mean(1, true);
        // Least squares x r_G = y_G for all groups at once (ridge-stabilised normal equations).
        at::Tensor gram = at::matmul(x.t(), x);
        gram += at::eye(gram.size(0), at::kDouble) * (1e-6 * gram.diagonal().mean().item<double>() + 1e-12);
        at::Tensor solved = at::linalg_solve(gram, at::matmul(x.t(), y)); // [H, K]
        return solved.t().contiguous().to(router.scalar_type());
    }
    for (const auto& g : groups) {
        at::Tensor members = r.index_select(0, groupIndex(g));
        if (rule == RouterRule::Usage) {
            std::vector<double> u;
            double total = 0;
            for (int e : g) {
                u.push_back(usage[static_cast<std::size_t>(e)]);
                total += usage[static_cast<std::size_t>(e)];
            }
            if (total <= 0)
                rows.push_back(members.mean(0)); // a group nobody uses: no usage to weight by
            else
                rows.push_back((at::tensor(u, at::kDouble).unsqueeze(1) * members).sum(0) / total);
        } else {
            rows.push_back(members.mean(0));
        }
    }
    return at::stack(rows).to(router.scalar_type());
}

double routerMassError(const at::Tensor& router, const std::vector<std::vector<int>>& groups,
                       const at::Tensor& mergedRouter, const at::Tensor& inputs)
{
    at::Tensor x = inputs.to(at::kDouble);
    at::Tensor original = groupLogMass(router.to(at::kDouble), groups, x).exp();
    at::Tensor merged = at::softmax(at::matmul(x, mergedRouter.to(at::kDouble).t()), -1);
    return 0.5 * (original - merged).abs().sum(1).mean().item<double>();
}

double routerTop1Agreement(const at::Tensor& router, const std::vector<std::vector<int>>& groups,
                           const at::Tensor& mergedRouter, const at::Tensor& inputs)
{
    at::Tensor x = inputs.to(at::kDouble);
    at::Tensor original = groupLogMass(router.to(at::kDouble), groups, x).argmax(1);
    at::Tensor merged = at::matmul(x, mergedRouter.to(at::kDouble).t()).argmax(1);
    return original.eq(merged).to(at::kDouble).mean().item<double>();
}

at::Tensor proxyRouterInputs(int64_t count, int64_t hidden, uint64_t seed)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::randn({count, hidden}, gen, at::TensorOptions().dtype(at::kFloat));
}

} // namespace mergelab
