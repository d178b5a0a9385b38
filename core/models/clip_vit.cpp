// The CLIP vision Transformer, following transformers/models/clip/modeling_clip.py.
#include "models/clip_vit.h"

#include "common/error.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace mergelab {

using nlohmann::json;

ClipVisionConfig ClipVisionConfig::fromJson(const std::string& text, const std::string& path)
{
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        throw FormatError(path, {}, std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object())
        throw FormatError(path, {}, "expected a JSON object");
    ClipVisionConfig c;
    // A full CLIPConfig nests the vision part; projection_dim lives at the top there.
    const json* vision = &root;
    if (root.contains("vision_config") && root["vision_config"].is_object())
        vision = &root["vision_config"];
    auto integer = [&](const json& obj, const char* key, int64_t& out, bool required) {
        if (!obj.contains(key)) {
            if (required)
                throw FormatError(path, {}, std::string("key '") + key + "': missing");
            return;
        }
        if (!obj[key].is_number_integer() || obj[key].get<int64_t>() <= 0)
            throw FormatError(path, {}, std::string("key '") + key + "': expected a positive integer");
        out = obj[key].get<int64_t>();
    };
    integer(*vision, "hidden_size", c.hiddenSize, true);
    integer(*vision, "intermediate_size", c.intermediateSize, true);
    integer(*vision, "num_hidden_layers", c.numHiddenLayers, true);
    integer(*vision, "num_attention_heads", c.numAttentionHeads, true);
    integer(*vision, "image_size", c.imageSize, true);
    integer(*vision, "patch_size", c.patchSize, true);
    integer(*vision, "num_channels", c.numChannels, false);
    integer(*vision, "projection_dim", c.projectionDim, false);
    if (vision != &root)
        integer(root, "projection_dim", c.projectionDim, false);
    if (vision->contains("hidden_act")) {
        if (!(*vision)["hidden_act"].is_string())
            throw FormatError(path, {}, "key 'hidden_act': expected a string");
        c.hiddenAct = (*vision)["hidden_act"].get<std::string>();
        if (c.hiddenAct != "quick_gelu" && c.hiddenAct != "gelu")
            throw FormatError(path, {}, "key 'hidden_act': \"" + c.hiddenAct +
                                            "\" is not supported (quick_gelu, gelu)");
    }
    if (vision->contains("layer_norm_eps")) {
        if (!(*vision)["layer_norm_eps"].is_number())
            throw FormatError(path, {}, "key 'layer_norm_eps': expected a number");
        c.layerNormEps = (*vision)["layer_norm_eps"].get<double>();
    }
    if (c.hiddenSize % c.numAttentionHeads != 0)
        throw FormatError(path, {}, "hidden_size must be divisible by num_attention_heads");
    if (c.imageSize % c.patchSize != 0)
        throw FormatError(path, {}, "image_size must be divisible by patch_size");
    return c;
}

ClipVisionConfig ClipVisionConfig::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path, {}, "cannot open config: " + systemErrorText(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return fromJson(text.str(), path);
}

std::string ClipVisionConfig::toJson() const
{
    json j = {{"model_type", "clip_vision_model"},
              {"architectures", {"CLIPVisionModelWithProjection"}},
              {"hidden_size", hiddenSize},
              {"intermediate_size", intermediateSize},
              {"num_hidden_layers", numHiddenLayers},
              {"num_attention_heads", numAttentionHeads},
              {"image_size", imageSize},
              {"patch_size", patchSize},
              {"num_channels", numChannels},
              {"projection_dim", projectionDim},
              {"hidden_act", hiddenAct},
              {"layer_norm_eps", layerNormEps}};
    return j.dump(2) + "\n";
}

namespace {
torch::nn::LayerNorm layerNorm(const ClipVisionConfig& c)
{
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hiddenSize}).eps(c.layerNormEps));
}
} // namespace

ClipVisionEmbeddingsImpl::ClipVisionEmbeddingsImpl(const ClipVisionConfig& c)
{
    patch_embedding = register_module(
        "patch_embedding",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(c.numChannels, c.hiddenSize, c.patchSize).stride(c.patchSize).bias(false)));
    class_embedding = register_parameter("class_embedding", torch::randn({c.hiddenSize}));
    position_embedding = register_module("position_embedding", torch::nn::Embedding(c.numPatches() + 1, c.hiddenSize));
}

at::Tensor ClipVisionEmbeddingsImpl::forward(const at::Tensor& pixels)
{
    const int64_t batch = pixels.size(0);
    at::Tensor patches = patch_embedding->forward(pixels).flatten(2).transpose(1, 2); // [N, P, D]
    at::Tensor cls = class_embedding.view({1, 1, -1}).expand({batch, 1, class_embedding.size(0)});
    return at::cat({cls, patches}, 1) + position_embedding->weight.unsqueeze(0);
}

ClipAttentionImpl::ClipAttentionImpl(const ClipVisionConfig& c) : heads(c.numAttentionHeads)
{
    q_proj = register_module("q_proj", torch::nn::Linear(c.hiddenSize, c.hiddenSize));
    k_proj = register_module("k_proj", torch::nn::Linear(c.hiddenSize, c.hiddenSize));
    v_proj = register_module("v_proj", torch::nn::Linear(c.hiddenSize, c.hiddenSize));
    out_proj = register_module("out_proj", torch::nn::Linear(c.hiddenSize, c.hiddenSize));
}

at::Tensor ClipAttentionImpl::forward(const at::Tensor& hidden)
{
    const int64_t n = hidden.size(0), t = hidden.size(1), d = hidden.size(2), hd = d / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    auto split = [&](const at::Tensor& x) { return x.view({n, t, heads, hd}).transpose(1, 2); }; // [N, H, T, hd]
    at::Tensor q = split(q_proj->forward(hidden) * scale);
    at::Tensor k = split(k_proj->forward(hidden));
    at::Tensor v = split(v_proj->forward(hidden));
    at::Tensor attn = at::softmax(at::matmul(q, k.transpose(-2, -1)), -1);
    at::Tensor out = at::matmul(attn, v).transpose(1, 2).reshape({n, t, d});
    return out_proj->forward(out);
}

at::Tensor ClipAttentionImpl::forwardFirstToken(const at::Tensor& hidden)
{
    const int64_t n = hidden.size(0), t = hidden.size(1), d = hidden.size(2), hd = d / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    auto split = [&](const at::Tensor& x, int64_t tokens) { return x.view({n, tokens, heads, hd}).transpose(1, 2); };
    at::Tensor q = split(q_proj->forward(hidden.narrow(1, 0, 1)) * scale, 1); // [N, H, 1, hd]
    at::Tensor k = split(k_proj->forward(hidden), t);
    at::Tensor v = split(v_proj->forward(hidden), t);
    at::Tensor attn = at::softmax(at::matmul(q, k.transpose(-2, -1)), -1);
    at::Tensor out = at::matmul(attn, v).transpose(1, 2).reshape({n, 1, d});
    return out_proj->forward(out);
}

ClipMlpImpl::ClipMlpImpl(const ClipVisionConfig& c) : quickGelu(c.hiddenAct == "quick_gelu")
{
    fc1 = register_module("fc1", torch::nn::Linear(c.hiddenSize, c.intermediateSize));
    fc2 = register_module("fc2", torch::nn::Linear(c.intermediateSize, c.hiddenSize));
}

at::Tensor ClipMlpImpl::forward(const at::Tensor& hidden)
{
    at::Tensor h = fc1->forward(hidden);
    h = quickGelu ? h * at::sigmoid(1.702 * h) : at::gelu(h);
    return fc2->forward(h);
}

at::Tensor ClipMlpImpl::forwardInference(const at::Tensor& hidden)
{
    at::Tensor h = fc1->forward(hidden);
    if (quickGelu)
        h.mul_(at::sigmoid(h * 1.702));
    else
        h = at::gelu(h);
    return fc2->forward(h);
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipVisionConfig& c)
{
    self_attn = register_module("self_attn", ClipAttention(c));
    layer_norm1 = register_module("layer_norm1", layerNorm(c));
    mlp = register_module("mlp", ClipMlp(c));
    layer_norm2 = register_module("layer_norm2", layerNorm(c));
}

at::Tensor ClipEncoderLayerImpl::forward(const at::Tensor& hidden)
{
    at::Tensor h = hidden + self_attn->forward(layer_norm1->forward(hidden));
    return h + mlp->forward(layer_norm2->forward(h));
}

at::Tensor ClipEncoderLayerImpl::forwardInference(const at::Tensor& hidden, bool firstTokenOnly)
{
    const at::Tensor normed = layer_norm1->forward(hidden);
    at::Tensor h = firstTokenOnly ? hidden.narrow(1, 0, 1) + self_attn->forwardFirstToken(normed)
                                  : hidden + self_attn->forward(normed);
    return h.add_(mlp->forwardInference(layer_norm2->forward(h)));
}

ClipEncoderImpl::ClipEncoderImpl(const ClipVisionConfig& c)
{
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numHiddenLayers; ++i)
        layers->push_back(ClipEncoderLayer(c));
}

at::Tensor ClipEncoderImpl::forward(at::Tensor hidden)
{
    for (const auto& layer : *layers)
        hidden = layer->as<ClipEncoderLayerImpl>()->forward(hidden);
    return hidden;
}

ClipVisionTransformerImpl::ClipVisionTransformerImpl(const ClipVisionConfig& c)
{
    embeddings = register_module("embeddings", ClipVisionEmbeddings(c));
    pre_layrnorm = register_module("pre_layrnorm", layerNorm(c));
    encoder = register_module("encoder", ClipEncoder(c));
    post_layernorm = register_module("post_layernorm", layerNorm(c));
}

at::Tensor ClipVisionTransformerImpl::forward(const at::Tensor& pixels)
{
    at::Tensor h = pre_layrnorm->forward(embeddings->forward(pixels));
    h = encoder->forward(h);
    return post_layernorm->forward(h.select(1, 0));
}

ClipVisionModelImpl::ClipVisionModelImpl(const ClipVisionConfig& c) : config(c)
{
    vision_model = register_module("vision_model", ClipVisionTransformer(c));
    visual_projection = register_module(
        "visual_projection", torch::nn::Linear(torch::nn::LinearOptions(c.hiddenSize, c.projectionDim).bias(false)));
}

at::Tensor ClipVisionModelImpl::forward(const at::Tensor& pixels)
{
    return visual_projection->forward(vision_model->forward(pixels));
}

at::Tensor ClipVisionModelImpl::embedInference(const at::Tensor& pixels)
{
    auto& vm = *vision_model;
    at::Tensor h = vm.pre_layrnorm->forward(vm.embeddings->forward(pixels));
    const std::size_t layers = vm.encoder->layers->size();
    for (std::size_t i = 0; i < layers; ++i)
        h = vm.encoder->layers[i]->as<ClipEncoderLayerImpl>()->forwardInference(h, i + 1 == layers);
    return visual_projection->forward(vm.post_layernorm->forward(h.select(1, 0)));
}

ClipVitBackbone::ClipVitBackbone(const ClipVisionConfig& config) : m_model(config)
{
    m_model->eval();
}

at::Tensor ClipVitBackbone::embed(const at::Tensor& images)
{
    const auto& c = m_model->config;
    if (images.dim() != 4 || images.size(1) != c.numChannels || images.size(2) != c.imageSize ||
        images.size(3) != c.imageSize)
        throw InputError("images of shape " + std::string(c10::str(images.sizes())) + " do not fit the ViT (expected [N, " +
                         std::to_string(c.numChannels) + ", " + std::to_string(c.imageSize) + ", " +
                         std::to_string(c.imageSize) + "])");
    if (c10::InferenceMode::is_enabled() || !c10::GradMode::is_enabled())
        return m_model->embedInference(images);
    return m_model->forward(images);
}

std::map<std::string, at::Tensor> ClipVitBackbone::parameters() const
{
    std::map<std::string, at::Tensor> out;
    for (const auto& item : m_model->named_parameters())
        out[item.key()] = item.value();
    return out;
}

std::vector<int64_t> ClipVitBackbone::inputShape() const
{
    const auto& c = m_model->config;
    return {c.numChannels, c.imageSize, c.imageSize};
}

} // namespace mergelab
