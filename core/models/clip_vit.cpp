// The CLIP vision Transformer, following transformers/models/clip/modeling_clip.py.
#include "models/clip_vit.h"

#include "common/error.h"
#include "io/json_file.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <dlfcn.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>

namespace mergelab {

using nlohmann::json;

ClipVisionConfig ClipVisionConfig::fromJson(const std::string& text, const std::string& path)
{
    json root = parseJson(text, path, "config");
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
            throw FormatError(path, {},
                              "key 'hidden_act': \"" + c.hiddenAct + "\" is not supported (quick_gelu, gelu)");
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
    return fromJson(readTextFile(path, "config"), path);
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
        torch::nn::Conv2d(
            torch::nn::Conv2dOptions(c.numChannels, c.hiddenSize, c.patchSize).stride(c.patchSize).bias(false)));
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

namespace {

// cblas_sgemm of the BLAS LibTorch loaded (OpenBLAS on Debian), found at run time.
using CblasSgemm = void (*)(int order, int transA, int transB, int m, int n, int k, float alpha, const float* a,
                            int lda, const float* b, int ldb, float beta, float* c, int ldc);
enum : int { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };

CblasSgemm cblasSgemm()
{
    static const auto f = reinterpret_cast<CblasSgemm>(dlsym(RTLD_DEFAULT, "cblas_sgemm"));
    return f;
}

} // namespace

bool ClipVisionModelImpl::fastInferenceAvailable()
{
    return cblasSgemm() != nullptr;
}

std::shared_ptr<const ClipVisionModelImpl::InferenceWeights> ClipVisionModelImpl::inferenceWeights()
{
    const std::vector<at::Tensor> params = parameters();
    std::vector<std::pair<const void*, int64_t>> key;
    key.reserve(params.size());
    bool cacheable = true;
    for (const at::Tensor& t : params) {
        if (t.scalar_type() != at::kFloat)
            return nullptr; // converted to another dtype: the generic path handles it
        // Inference tensors have no version counter: then rebuild every time (a few small copies).
        cacheable = cacheable && !t.is_inference();
        key.emplace_back(t.data_ptr(), t.is_inference() ? 0 : t._version());
    }
    std::lock_guard<std::mutex> lock(m_inferenceMutex);
    if (cacheable && m_inference && m_inference->key == key)
        return m_inference;
    auto w = std::make_shared<InferenceWeights>();
    w->key = std::move(key);
    const double scale = 1.0 / std::sqrt(static_cast<double>(config.hiddenSize / config.numAttentionHeads));
    for (const auto& module : *vision_model->encoder->layers) {
        const auto& attn = *module->as<ClipEncoderLayerImpl>()->self_attn;
        w->qkvWeightT.push_back(
            at::cat({attn.q_proj->weight * scale, attn.k_proj->weight, attn.v_proj->weight}, 0).t().contiguous());
        w->qkvBias.push_back(at::cat({attn.q_proj->bias * scale, attn.k_proj->bias, attn.v_proj->bias}, 0));
    }
    if (cacheable)
        m_inference = w;
    return w;
}

at::Tensor ClipVisionModelImpl::embedInference(const at::Tensor& pixels)
{
    if (cblasSgemm() && pixels.scalar_type() == at::kFloat) {
        std::shared_ptr<const InferenceWeights> w;
        {
            // Built outside InferenceMode: normal tensors, usable with or without it later.
            c10::InferenceMode off(false);
            at::NoGradGuard noGrad;
            w = inferenceWeights();
        }
        if (w)
            return embedFast(pixels, *w);
    }
    auto& vm = *vision_model;
    at::Tensor h = vm.pre_layrnorm->forward(vm.embeddings->forward(pixels));
    const std::size_t layers = vm.encoder->layers->size();
    for (std::size_t i = 0; i < layers; ++i)
        h = vm.encoder->layers[i]->as<ClipEncoderLayerImpl>()->forwardInference(h, i + 1 == layers);
    return visual_projection->forward(vm.post_layernorm->forward(h.select(1, 0)));
}

// The inference forward with few, large ops: the residual stream is one [N * T, D] matrix; q, k and
// v come from one GEMM ([N * T, 3D], the scale folded into q's weights); attention runs per image
// and head as two small GEMMs on strided rows of that matrix (BLAS reads the heads in place, no
// split or merge copies; at::bmm loops over the batch with far more overhead per call), the
// softmax as whole-tensor ops (at::softmax is slow on rows this short); biases and residuals go
// through addmm. The last layer computes the class token's rows only.
at::Tensor ClipVisionModelImpl::embedFast(const at::Tensor& input, const InferenceWeights& w)
{
    const CblasSgemm sgemm = cblasSgemm();
    const ClipVisionConfig& c = config;
    auto& vm = *vision_model;
    const at::Tensor pixels = input.contiguous();
    const int64_t n = pixels.size(0), grid = c.imageSize / c.patchSize, p = c.patchSize, ch = c.numChannels;
    const int64_t patches = grid * grid, t = patches + 1, d = c.hiddenSize, heads = c.numAttentionHeads;
    const int64_t hd = d / heads;

    // Patch embedding (stride = kernel) as one GEMM on the flattened patches, in the conv weight's
    // (channel, row, column) order; then the class token, plus positions.
    const at::Tensor& patchWeight = vm.embeddings->patch_embedding->weight; // [D, C, p, p]
    const at::Tensor flat =
        pixels.view({n, ch, grid, p, grid, p}).permute({0, 2, 4, 1, 3, 5}).reshape({n * patches, ch * p * p});
    const at::Tensor embedded = at::mm(flat, patchWeight.view({d, ch * p * p}).t()).view({n, patches, d});
    const at::Tensor& positions = vm.embeddings->position_embedding->weight; // [T, D]
    at::Tensor x = at::empty({n, t, d}, pixels.options());
    at::Tensor patchRows = x.narrow(1, 1, patches);
    at::add_out(patchRows, embedded, positions.narrow(0, 1, patches));
    x.select(1, 0).copy_((vm.embeddings->class_embedding + positions[0]).expand({n, d}));
    at::Tensor h = vm.pre_layrnorm->forward(x).view({n * t, d});

    const std::size_t layers = vm.encoder->layers->size();
    for (std::size_t i = 0; i < layers; ++i) {
        auto& layer = *vm.encoder->layers[i]->as<ClipEncoderLayerImpl>();
        const bool last = i + 1 == layers;
        const int64_t tq = last ? 1 : t; // query rows per image
        const at::Tensor qkv = at::addmm(w.qkvBias[i], layer.layer_norm1->forward(h), w.qkvWeightT[i]);
        const float* qkvData = qkv.data_ptr<float>();
        const int64_t row = 3 * d;
        at::Tensor scores = at::empty({n, heads, tq, t}, qkv.options());
        float* scoreData = scores.data_ptr<float>();
        for (int64_t b = 0; b < n; ++b)
            for (int64_t head = 0; head < heads; ++head) {
                const float* q = qkvData + b * t * row + head * hd;
                sgemm(kRowMajor, kNoTrans, kTrans, int(tq), int(t), int(hd), 1.0f, q, int(row), q + d, int(row), 0.0f,
                      scoreData + (b * heads + head) * tq * t, int(t));
            }
        scores.sub_(scores.amax(-1, true)).exp_();
        scores.div_(scores.sum(-1, true));
        at::Tensor context = at::empty({n * tq, d}, qkv.options());
        float* contextData = context.data_ptr<float>();
        for (int64_t b = 0; b < n; ++b)
            for (int64_t head = 0; head < heads; ++head)
                sgemm(kRowMajor, kNoTrans, kNoTrans, int(tq), int(hd), int(t), 1.0f,
                      scoreData + (b * heads + head) * tq * t, int(t), qkvData + b * t * row + 2 * d + head * hd,
                      int(row), 0.0f, contextData + b * tq * d + head * hd, int(d));
        const at::Tensor residual = last ? h.view({n, t, d}).select(1, 0) : h;
        const auto& attn = *layer.self_attn;
        h = at::addmm(residual, context, attn.out_proj->weight.t()).add_(attn.out_proj->bias);
        const auto& mlp = *layer.mlp;
        at::Tensor mid = at::addmm(mlp.fc1->bias, layer.layer_norm2->forward(h), mlp.fc1->weight.t());
        if (mlp.quickGelu)
            mid.mul_(at::sigmoid(mid * 1.702));
        else
            mid = at::gelu(mid);
        h = at::addmm(h, mid, mlp.fc2->weight.t()).add_(mlp.fc2->bias);
    }
    return visual_projection->forward(vm.post_layernorm->forward(h)); // h: the class tokens, [N, D]
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
        throw InputError("images of shape " + std::string(c10::str(images.sizes())) +
                         " do not fit the ViT (expected [N, " + std::to_string(c.numChannels) + ", " +
                         std::to_string(c.imageSize) + ", " + std::to_string(c.imageSize) + "])");
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
