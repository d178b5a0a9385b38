// Functional CLIP ViT: the computation of core/models/clip_vit.cpp on an external tensor map.
#include "models/functional_vit.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <cmath>

namespace mergelab {

namespace {

const at::Tensor& param(const TensorMap& p, const std::string& name)
{
    auto it = p.find(name);
    if (it == p.end() || !it->second.defined())
        throw InputError({}, name, "tensor missing for the ViT forward pass");
    return it->second;
}

// y = x W^T + b; W may be [out, in] or per sample [N, out, in] (x then [N, tokens, in]).
at::Tensor linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b)
{
    if (w.dim() == 3) {
        at::Tensor y = at::bmm(x, w.transpose(1, 2));
        return b.defined() ? y + b.unsqueeze(1) : y;
    }
    return at::linear(x, w, b);
}

at::Tensor layerNorm(const ClipVisionConfig& c, const TensorMap& p, const std::string& prefix, const at::Tensor& x)
{
    return at::layer_norm(x, {c.hiddenSize}, param(p, prefix + ".weight"), param(p, prefix + ".bias"), c.layerNormEps);
}

at::Tensor hookedLinear(const TensorMap& p, const std::string& prefix, const at::Tensor& x, const VitHooks* hooks)
{
    if (hooks && hooks->linearInput)
        hooks->linearInput(prefix, x);
    // CLIP's linears all carry a bias except the projection.
    const bool biased = prefix != "visual_projection";
    return linear(x, param(p, prefix + ".weight"), biased ? param(p, prefix + ".bias") : at::Tensor());
}

} // namespace

std::vector<std::string> vitParameterNames(const ClipVisionConfig& c)
{
    const std::string vm = "vision_model.";
    std::vector<std::string> names = {vm + "embeddings.class_embedding", vm + "embeddings.patch_embedding.weight",
                                      vm + "embeddings.position_embedding.weight", vm + "pre_layrnorm.weight",
                                      vm + "pre_layrnorm.bias"};
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const std::string layer = vm + "encoder.layers." + std::to_string(l) + ".";
        for (const char* proj : {"k_proj", "v_proj", "q_proj", "out_proj"})
            for (const char* kind : {".weight", ".bias"})
                names.push_back(layer + "self_attn." + proj + kind);
        names.push_back(layer + "layer_norm1.weight");
        names.push_back(layer + "layer_norm1.bias");
        for (const char* fc : {"fc1", "fc2"})
            for (const char* kind : {".weight", ".bias"})
                names.push_back(layer + "mlp." + fc + kind);
        names.push_back(layer + "layer_norm2.weight");
        names.push_back(layer + "layer_norm2.bias");
    }
    names.push_back(vm + "post_layernorm.weight");
    names.push_back(vm + "post_layernorm.bias");
    names.push_back("visual_projection.weight");
    return names;
}

int64_t vitLayerOf(const std::string& name, int64_t numLayers)
{
    const std::string key = "encoder.layers.";
    const auto pos = name.find(key);
    if (pos != std::string::npos)
        return std::stoll(name.substr(pos + key.size()));
    if (name.find("post_layernorm") != std::string::npos || name.rfind("visual_projection", 0) == 0)
        return numLayers;
    return -1;
}

at::Tensor vitMlp(const ClipVisionConfig& c, const at::Tensor& x, const at::Tensor& fc1w, const at::Tensor& fc1b,
                  const at::Tensor& fc2w, const at::Tensor& fc2b)
{
    at::Tensor h = linear(x, fc1w, fc1b);
    h = c.hiddenAct == "quick_gelu" ? h * at::sigmoid(1.702 * h) : at::gelu(h);
    return linear(h, fc2w, fc2b);
}

at::Tensor vitForward(const ClipVisionConfig& c, const TensorMap& p, const at::Tensor& pixels, const VitHooks* hooks)
{
    if (pixels.dim() != 4 || pixels.size(1) != c.numChannels || pixels.size(2) != c.imageSize ||
        pixels.size(3) != c.imageSize)
        throw InputError("images of shape " + std::string(c10::str(pixels.sizes())) +
                         " do not fit the ViT (expected [N, " + std::to_string(c.numChannels) + ", " +
                         std::to_string(c.imageSize) + ", " + std::to_string(c.imageSize) + "])");
    const std::string vm = "vision_model.";
    const int64_t n = pixels.size(0);
    // Embeddings: patch convolution, class token, learned positions.
    at::Tensor patches = at::conv2d(pixels, param(p, vm + "embeddings.patch_embedding.weight"), {}, c.patchSize)
                             .flatten(2)
                             .transpose(1, 2);
    const at::Tensor& cls = param(p, vm + "embeddings.class_embedding");
    at::Tensor h = at::cat({cls.view({1, 1, -1}).expand({n, 1, cls.size(0)}), patches}, 1) +
                   param(p, vm + "embeddings.position_embedding.weight").unsqueeze(0);
    h = layerNorm(c, p, vm + "pre_layrnorm", h);

    const int64_t heads = c.numAttentionHeads, d = c.hiddenSize, hd = d / heads, t = h.size(1);
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const std::string layer = vm + "encoder.layers." + std::to_string(l) + ".";
        at::Tensor x = layerNorm(c, p, layer + "layer_norm1", h);
        auto split = [&](const at::Tensor& y) { return y.view({n, t, heads, hd}).transpose(1, 2); };
        at::Tensor q = split(hookedLinear(p, layer + "self_attn.q_proj", x, hooks) * scale);
        at::Tensor k = split(hookedLinear(p, layer + "self_attn.k_proj", x, hooks));
        at::Tensor v = split(hookedLinear(p, layer + "self_attn.v_proj", x, hooks));
        at::Tensor attn = at::softmax(at::matmul(q, k.transpose(-2, -1)), -1);
        at::Tensor out = at::matmul(attn, v).transpose(1, 2).reshape({n, t, d});
        h = h + hookedLinear(p, layer + "self_attn.out_proj", out, hooks);

        x = layerNorm(c, p, layer + "layer_norm2", h);
        if (hooks && hooks->mlp) {
            h = h + hooks->mlp(l, x);
        } else {
            at::Tensor m = hookedLinear(p, layer + "mlp.fc1", x, hooks);
            m = c.hiddenAct == "quick_gelu" ? m * at::sigmoid(1.702 * m) : at::gelu(m);
            h = h + hookedLinear(p, layer + "mlp.fc2", m, hooks);
        }
    }
    at::Tensor pooled = layerNorm(c, p, vm + "post_layernorm", h.select(1, 0));
    return hookedLinear(p, "visual_projection", pooled, hooks);
}

} // namespace mergelab
