// What a forward pass of a Mixture-of-Experts model saw in each MoE layer: the router inputs, the
// experts chosen and the router probabilities. Filled by the MoE ViT (moe/moe_vit.h) and the causal
// LMs (models/causal_lm.h) when a recorder is passed; read by expert similarity, router
// initialisation and router fine-tuning.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <vector>

namespace mergelab {

struct MoeRouting {
    std::map<int, std::vector<at::Tensor>> inputs;   // layer -> router inputs [tokens, hidden] per call
    std::map<int, std::vector<at::Tensor>> selected; // layer -> chosen experts [tokens, k] per call
    bool keepInputs = true;                          // false: only selected and probs (training)
    std::map<int, at::Tensor> probs;                 // layer -> router probabilities [tokens, E] of the
                                                     // last call, attached to the autograd graph
};

} // namespace mergelab
