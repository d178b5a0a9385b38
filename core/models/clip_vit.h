// A native LibTorch vision Transformer that follows Hugging Face's CLIPVisionModelWithProjection:
// same parameter names, same computation, configured from the same config.json keys.
#pragma once

#include "models/backbone.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mergelab {

// HF CLIPVisionConfig keys (a full CLIPConfig's "vision_config" is accepted too).
struct ClipVisionConfig {
    int64_t hiddenSize = 768;
    int64_t intermediateSize = 3072;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t imageSize = 224;
    int64_t patchSize = 32;
    int64_t numChannels = 3;
    int64_t projectionDim = 512;
    std::string hiddenAct = "quick_gelu"; // "quick_gelu" | "gelu"
    double layerNormEps = 1e-5;

    // Parses config.json text; throws FormatError naming `path` and the key.
    static ClipVisionConfig fromJson(const std::string& text, const std::string& path);
    static ClipVisionConfig load(const std::string& path);
    std::string toJson() const; // HF-style CLIPVisionConfig JSON
    int64_t numPatches() const { return (imageSize / patchSize) * (imageSize / patchSize); }
};

// vision_model.embeddings: patch convolution (no bias), class token, learned positions.
class ClipVisionEmbeddingsImpl : public torch::nn::Module {
public:
    explicit ClipVisionEmbeddingsImpl(const ClipVisionConfig& config);
    at::Tensor forward(const at::Tensor& pixels);

    torch::nn::Conv2d patch_embedding{nullptr};
    at::Tensor class_embedding;
    torch::nn::Embedding position_embedding{nullptr};
};
TORCH_MODULE(ClipVisionEmbeddings);

// self_attn: multi-head attention with q/k/v/out projections (biased), q scaled by head_dim^-0.5.
class ClipAttentionImpl : public torch::nn::Module {
public:
    explicit ClipAttentionImpl(const ClipVisionConfig& config);
    at::Tensor forward(const at::Tensor& hidden);
    // Attention output of the first token (CLS) only, [N, 1, D]; keys and values from all tokens.
    at::Tensor forwardFirstToken(const at::Tensor& hidden);

    int64_t heads;
    torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
};
TORCH_MODULE(ClipAttention);

// mlp: fc1 -> activation -> fc2.
class ClipMlpImpl : public torch::nn::Module {
public:
    explicit ClipMlpImpl(const ClipVisionConfig& config);
    at::Tensor forward(const at::Tensor& hidden);
    // Same result, activation computed in place (no autograd: inference only).
    at::Tensor forwardInference(const at::Tensor& hidden);

    bool quickGelu;
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipMlp);

// encoder.layers.N: pre-norm residual attention and MLP blocks.
class ClipEncoderLayerImpl : public torch::nn::Module {
public:
    explicit ClipEncoderLayerImpl(const ClipVisionConfig& config);
    at::Tensor forward(const at::Tensor& hidden);
    // Inference only: the output rows of all tokens, or of the first token ([N, 1, D]) when
    // firstTokenOnly (the last layer, whose other rows the pooled output never reads).
    at::Tensor forwardInference(const at::Tensor& hidden, bool firstTokenOnly);

    ClipAttention self_attn{nullptr};
    torch::nn::LayerNorm layer_norm1{nullptr};
    ClipMlp mlp{nullptr};
    torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

// encoder: the list of layers.
class ClipEncoderImpl : public torch::nn::Module {
public:
    explicit ClipEncoderImpl(const ClipVisionConfig& config);
    at::Tensor forward(at::Tensor hidden);

    torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(ClipEncoder);

// vision_model: embeddings, pre_layrnorm (HF's spelling), encoder, post_layernorm on CLS.
class ClipVisionTransformerImpl : public torch::nn::Module {
public:
    explicit ClipVisionTransformerImpl(const ClipVisionConfig& config);
    // Returns the pooled output: post_layernorm(last_hidden_state[:, 0]).
    at::Tensor forward(const at::Tensor& pixels);

    ClipVisionEmbeddings embeddings{nullptr};
    torch::nn::LayerNorm pre_layrnorm{nullptr};
    ClipEncoder encoder{nullptr};
    torch::nn::LayerNorm post_layernorm{nullptr};
};
TORCH_MODULE(ClipVisionTransformer);

// CLIPVisionModelWithProjection: image_embeds = visual_projection(pooled), no bias.
class ClipVisionModelImpl : public torch::nn::Module {
public:
    explicit ClipVisionModelImpl(const ClipVisionConfig& config);
    at::Tensor forward(const at::Tensor& pixels);
    // Same embeddings for inference (InferenceMode / no grad), about a fifth cheaper: the last layer
    // computes only the class token's row. forward() stays the reference and the training path.
    at::Tensor embedInference(const at::Tensor& pixels);

    ClipVisionConfig config;
    ClipVisionTransformer vision_model{nullptr};
    torch::nn::Linear visual_projection{nullptr};

    // Whether embedInference() runs the fast path (fused q/k/v projection, attention by direct
    // BLAS calls per image and head); false when the process's BLAS has no cblas_sgemm, and then
    // the per-module inference path above runs. Same result up to float rounding either way.
    static bool fastInferenceAvailable();

private:
    // Inference weights derived from the parameters, rebuilt when a parameter changed (its data
    // pointer or version counter: setParameters' copy_ bumps it), never per batch.
    struct InferenceWeights {
        std::vector<std::pair<const void*, int64_t>> key; // every parameter's (data, version)
        std::vector<at::Tensor> qkvWeightT;               // per layer [D, 3D], q part scaled by head_dim^-0.5
        std::vector<at::Tensor> qkvBias;                  // per layer [3D], q part scaled
    };
    std::shared_ptr<const InferenceWeights> inferenceWeights();
    at::Tensor embedFast(const at::Tensor& pixels, const InferenceWeights& w);

    std::mutex m_inferenceMutex;
    std::shared_ptr<const InferenceWeights> m_inference;
};
TORCH_MODULE(ClipVisionModel);

// The ViT as a Backbone (embeddings = image_embeds).
class ClipVitBackbone : public Backbone {
public:
    explicit ClipVitBackbone(const ClipVisionConfig& config);
    at::Tensor embed(const at::Tensor& images) override;
    std::map<std::string, at::Tensor> parameters() const override;
    int64_t embeddingSize() const override { return m_model->config.projectionDim; }
    std::vector<int64_t> inputShape() const override;
    ClipVisionModel& module() { return m_model; }

private:
    ClipVisionModel m_model;
};

} // namespace mergelab
