// Training decoder-only language models (core/models/causal_lm.h) from scratch and fine-tuning them:
// the LM demo sets' base and fine-tunes, and BTX's routers later.
#pragma once

#include "io/tensor_map.h"
#include "models/causal_lm_config.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mergelab {

class CancelToken;

struct LmTrainSettings {
    int64_t steps = 200;
    int64_t batchSize = 16;
    int64_t context = 128; // tokens per training window
    double learningRate = 3e-3;
    double weightDecay = 0.1;
    int64_t warmupSteps = 20;
};

// Fresh float32 weights for `config` with HF names: normal(0, 0.02) matrices and embedding (GPT-2 /
// Llama's initializer_range), RMSNorm weights 1. Deterministic for a seed.
TensorMap initCausalLmWeights(const CausalLmConfig& config, uint64_t seed);

// Next-token training on random windows of `tokens` (AdamW, warm-up then cosine decay, gradients
// clipped to norm 1), updating `weights` in place. `report(step, smoothed loss)` every 25 steps and
// at the end. Throws CancelledError between steps.
void trainCausalLm(const CausalLmConfig& config, TensorMap& weights, const std::vector<int64_t>& tokens,
                   const LmTrainSettings& settings, uint64_t seed,
                   const std::function<void(int64_t step, double loss)>& report, const CancelToken& cancel);

} // namespace mergelab
