// The native CLIP ViT as a function of a name -> tensor map. The learned merges (core/datamerge)
// need a forward pass whose weights are supplied from outside (built differentiably from task
// vectors, or per sample), which LibTorch modules do not offer: this file mirrors
// models/clip_vit.cpp that way, with two hooks.
#pragma once

#include "io/tensor_map.h"
#include "models/clip_vit.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

namespace mergelab {

// Optional hooks into vitForward (forward hooks do not exist in LibTorch).
struct VitHooks {
    // Receives the input [..., in] of every Linear layer, named by its weight without ".weight"
    // (q/k/v projections share one input and are reported once each).
    std::function<void(const std::string& linear, const at::Tensor& input)> linearInput;
    // Replaces block `layer`'s MLP: gets layer_norm2's output [N, tokens, D], returns [N, tokens, D].
    std::function<at::Tensor(int64_t layer, const at::Tensor& normed)> mlp;
};

// Names of the backbone's parameters in checkpoint order (HF CLIPVisionModelWithProjection).
std::vector<std::string> vitParameterNames(const ClipVisionConfig& config);

// Layer index of a parameter name: -1 embeddings / pre_layrnorm, L for encoder.layers.L, numLayers
// for post_layernorm / visual_projection.
int64_t vitLayerOf(const std::string& name, int64_t numLayers);

// image_embeds for `pixels` [N, C, H, W] with weights from `params` (every name of
// vitParameterNames; InputError naming the tensor when one is missing). Differentiable.
at::Tensor vitForward(const ClipVisionConfig& config, const TensorMap& params, const at::Tensor& pixels,
                      const VitHooks* hooks = nullptr);

// The MLP of block `layer` with fc weights given explicitly: fc2(act(fc1(x))).
at::Tensor vitMlp(const ClipVisionConfig& config, const at::Tensor& x, const at::Tensor& fc1w, const at::Tensor& fc1b,
                  const at::Tensor& fc2w, const at::Tensor& fc2b);

} // namespace mergelab
