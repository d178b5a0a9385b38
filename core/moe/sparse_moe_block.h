// The forward pass of one sparse MoE block (router -> top-k -> weighted experts), Mixtral style.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace mergelab {

// How an expert maps a token: SwiGLU (Mixtral w1/w2/w3, Llama gate/up/down) or fc1 -> act -> fc2.
enum class ExpertKind { SwiGlu, FcQuickGelu, FcGelu };

// Weights of one MoE block. SwiGlu experts: {gate [I, H], down [H, I], up [I, H]} (Mixtral w1, w2, w3);
// Fc experts: {fc1.weight [I, H], fc1.bias [I], fc2.weight [H, I], fc2.bias [H]}.
struct MoeBlockWeights {
    ExpertKind kind = ExpertKind::SwiGlu;
    at::Tensor router; // [E, H]
    std::vector<std::vector<at::Tensor>> experts;
    int topK = 2;
};

// Output of the block for tokens x [N, H] (or [B, T, H]): probabilities = softmax(x router^T),
// the top-k renormalised to sum 1 (transformers' MixtralSparseMoeBlock), experts weighted by them.
// selected (optional) receives the chosen expert ids [N, k]; probs (optional) the router probabilities
// [N, E], still attached to the autograd graph (for a load-balancing loss).
at::Tensor moeBlockForward(const MoeBlockWeights& block, const at::Tensor& x, at::Tensor* selected = nullptr,
                           at::Tensor* probs = nullptr);

// One expert applied to tokens x [N, H].
at::Tensor expertForward(ExpertKind kind, const std::vector<at::Tensor>& weights, const at::Tensor& x);

} // namespace mergelab
