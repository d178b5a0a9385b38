// The Hugging Face config.json of a decoder-only language model: Llama, Mistral, Qwen2, Mixtral and
// Qwen2-MoE, read into one description that core/models/causal_lm.h runs. Key names, defaults and
// rules are the ones transformers applies for each architecture.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mergelab {

// rope_scaling: none ("default"), "linear" (positions divided by factor) or "llama3" (low frequencies
// divided by factor, high ones kept, a smooth ramp between).
struct RopeScaling {
    std::string type = "default";
    double factor = 1.0;
    double lowFreqFactor = 1.0;
    double highFreqFactor = 4.0;
    int64_t originalMaxPositions = 8192;
};

enum class LmFamily { Llama, Mistral, Qwen2, Mixtral, Qwen2Moe };

struct CausalLmConfig {
    std::string architecture; // "LlamaForCausalLM", ...
    LmFamily family = LmFamily::Llama;
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t intermediateSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t numKvHeads = 0;
    int64_t headDim = 0;
    int64_t maxPositions = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    bool tieWordEmbeddings = false;
    bool qkvBias = false;    // q/k/v projections carry biases (Qwen2, Llama's attention_bias)
    bool outputBias = false; // o_proj carries a bias (Llama's attention_bias)
    // Sliding-window attention: a query at position i sees keys j with i - window < j <= i. 0: none.
    int64_t slidingWindow = 0;
    int64_t firstSlidingLayer = 0; // Qwen2: layers before max_window_layers attend fully
    // Mixture of experts (Mixtral, Qwen2-MoE).
    int64_t numExperts = 0;
    int64_t expertsPerToken = 0;
    int64_t moeIntermediateSize = 0;          // Qwen2-MoE's experts (Mixtral: intermediate_size)
    int64_t sharedExpertIntermediateSize = 0; // Qwen2-MoE's shared expert (0: none)
    bool normTopkProb = true;                 // renormalise the chosen experts' weights
    int64_t decoderSparseStep = 1;
    std::vector<int64_t> mlpOnlyLayers;
    int64_t bosTokenId = -1;
    std::vector<int64_t> eosTokenIds;

    // Parses a config.json object; throws FormatError(path, "key '<k>': <what>") for missing or
    // inconsistent keys and InputError for architectures MergeLab does not run.
    static CausalLmConfig fromJson(const nlohmann::json& root, const std::string& path);
    static CausalLmConfig load(const std::string& configPath);
    // The config.json transformers writes for this model (fromJson reads it back unchanged).
    nlohmann::json toJson() const;

    // Whether `architecture` names one of the families above.
    static bool isSupported(const std::string& architecture);

    bool isMoeLayer(int64_t layer) const;
    // The attention window of `layer` (0: full causal attention).
    int64_t windowOfLayer(int64_t layer) const;
    // Every weight the model needs, with its shape, in HF's order.
    std::vector<std::pair<std::string, std::vector<int64_t>>> expectedTensors() const;
    // RoPE inverse frequencies (head_dim / 2 values) after rope_scaling, in double precision.
    std::vector<double> ropeInverseFrequencies() const;
};

} // namespace mergelab
