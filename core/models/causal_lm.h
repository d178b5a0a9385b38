// A decoder-only language model run natively: Llama, Mistral, Qwen2, Mixtral and Qwen2-MoE as
// Hugging Face defines them (same tensor names, same computation), built from config.json. Weights
// stay in the checkpoint's dtype (mapped from the file where the format allows, so a bf16 model keeps
// 2 bytes per parameter resident); every product is computed in float32, one layer's weights
// converted at a time.
#pragma once

#include "io/tensor_map.h"
#include "models/causal_lm_config.h"
#include "models/moe_routing.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// Keys and values of every layer seen so far, for generation ([B, kv heads, positions, head_dim]).
struct KvCache {
    std::vector<at::Tensor> keys;
    std::vector<at::Tensor> values;
    int64_t length = 0; // positions held
};

// The config.json of a model: in `path` when it is a folder, beside it when it is a weights file.
CausalLmConfig loadModelConfig(const std::string& path);

// A model folder's config and the tensors its architecture uses, read (mapped where the format allows)
// but not yet checked: what CausalLm::open builds on, for callers that change tensors first.
struct CausalLmFiles {
    CausalLmConfig config;
    TensorMap weights;
    std::string origin; // the weights file
};
CausalLmFiles readCausalLm(const std::string& path);

class CausalLm {
public:
    // Opens a Hugging Face model folder (config.json + weights in any format Checkpoint reads; a
    // weights file inside such a folder works too). Throws one-line errors naming the file: unknown
    // architecture, missing or mis-shaped tensors, unsupported dtypes, inconsistent configs.
    static std::unique_ptr<CausalLm> open(const std::string& path);

    // From tensors already in memory (merges in memory, BTX, tests). `origin` names them in errors.
    CausalLm(CausalLmConfig config, const TensorMap& weights, std::string origin);

    const CausalLmConfig& config() const { return m_config; }
    const std::string& origin() const { return m_origin; }
    // Bytes of the weights as held (the checkpoint's dtype).
    uint64_t weightBytes() const { return m_weightBytes; }

    // Final normed hidden states [B, T, hidden] (float32) for token ids [B, T] (int64). With a cache,
    // positions continue after cache->length and the cache grows by T. InputError for ids outside
    // the vocabulary. With `routing`, every MoE layer records its router inputs, choices and
    // probabilities there (layer index as key).
    at::Tensor hiddenStates(const at::Tensor& ids, KvCache* cache = nullptr, MoeRouting* routing = nullptr) const;
    // Logits [..., vocab] (float32) of hidden states [..., hidden].
    at::Tensor logits(const at::Tensor& hidden) const;
    // hiddenStates + logits: [B, T, vocab].
    at::Tensor forward(const at::Tensor& ids, KvCache* cache = nullptr, MoeRouting* routing = nullptr) const;

    // The output projection in float32 [vocab, hidden] (tied: the embedding), for callers that
    // apply it to hidden states in chunks.
    at::Tensor outputWeight() const;

    // The MoE layers (indices), their routers' tensor names and expert counts, and one routed
    // expert's output (float32 [N, hidden]) for router inputs x [N, hidden]: what expert similarity
    // compares and routers are trained on.
    std::vector<int> moeLayers() const;
    std::string routerName(int layer) const;
    int64_t expertCount(int layer) const;
    at::Tensor expertOutput(int layer, int64_t expert, const at::Tensor& x) const;

private:
    struct Mlp {
        at::Tensor gate, up, down; // gate/up [inner, D], down [D, inner]
    };
    struct Layer {
        at::Tensor inputNorm, postNorm;
        at::Tensor q, k, v, o, qBias, kBias, vBias, oBias;
        Mlp mlp;           // dense layers
        at::Tensor router; // [experts, D] in MoE layers
        std::vector<Mlp> experts;
        Mlp shared;            // Qwen2-MoE
        at::Tensor sharedGate; // [1, D]
    };

    at::Tensor attention(const Layer& layer, int64_t index, const at::Tensor& x, int64_t start, KvCache* cache) const;
    at::Tensor feedForward(const Layer& layer, int64_t index, const at::Tensor& x, MoeRouting* routing) const;
    at::Tensor moe(const Layer& layer, int64_t index, const at::Tensor& x, MoeRouting* routing) const;
    const Layer& moeLayer(int layer) const;

    CausalLmConfig m_config;
    std::string m_origin;
    at::Tensor m_embed, m_finalNorm, m_head;
    std::vector<Layer> m_layers;
    at::Tensor m_invFreq; // [head_dim / 2] float64
    uint64_t m_weightBytes = 0;
};

} // namespace mergelab
