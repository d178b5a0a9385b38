// Sparse MoE forward: tokens are gathered per expert so each expert runs once on its tokens.
#include "moe/sparse_moe_block.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace mergelab {

at::Tensor expertForward(ExpertKind kind, const std::vector<at::Tensor>& w, const at::Tensor& x)
{
    if (kind == ExpertKind::SwiGlu) {
        if (w.size() != 3)
            throw InputError("a SwiGLU expert needs 3 matrices (gate, down, up), got " + std::to_string(w.size()));
        return at::matmul(at::silu(at::matmul(x, w[0].t())) * at::matmul(x, w[2].t()), w[1].t());
    }
    if (w.size() != 4)
        throw InputError("an fc expert needs fc1.weight, fc1.bias, fc2.weight, fc2.bias, got " +
                         std::to_string(w.size()) + " tensors");
    at::Tensor h = at::addmm(w[1], x, w[0].t());
    h = kind == ExpertKind::FcQuickGelu ? h * at::sigmoid(1.702 * h) : at::gelu(h);
    return at::addmm(w[3], h, w[2].t());
}

at::Tensor moeBlockForward(const MoeBlockWeights& block, const at::Tensor& input, at::Tensor* selected,
                           at::Tensor* probsOut)
{
    const int64_t experts = block.router.size(0);
    if (static_cast<int64_t>(block.experts.size()) != experts)
        throw InputError("MoE block: router has " + std::to_string(experts) + " rows but " +
                         std::to_string(block.experts.size()) + " experts are given");
    const int64_t k = std::min<int64_t>(std::max(block.topK, 1), experts);
    at::Tensor x = input.reshape({-1, input.size(-1)});
    at::Tensor probs = at::softmax(at::matmul(x, block.router.t()), -1);
    auto [weights, index] = at::topk(probs, k, -1);
    weights = weights / weights.sum(-1, true);
    at::Tensor out = at::zeros_like(x);
    for (int64_t e = 0; e < experts; ++e) {
        at::Tensor hit = index.eq(e);                        // [N, k]
        at::Tensor tokens = hit.any(1).nonzero().squeeze(1); // tokens routed to e
        if (tokens.numel() == 0)
            continue;
        at::Tensor w = (weights * hit.to(weights.scalar_type())).sum(1).index_select(0, tokens).unsqueeze(1);
        at::Tensor y = expertForward(block.kind, block.experts[static_cast<std::size_t>(e)], x.index_select(0, tokens));
        out.index_add_(0, tokens, y * w);
    }
    if (selected)
        *selected = index;
    if (probsOut)
        *probsOut = probs;
    return out.reshape(input.sizes());
}

} // namespace mergelab
