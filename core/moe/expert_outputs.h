// Data-centric expert redundancy where MergeLab has a forward pass (the MoE ViT, Mixtral and Qwen2-MoE
// language models): expert outputs on calibration inputs, routing usage and co-selection.
#pragma once

#include "moe/expert_similarity.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace mergelab {

class CausalLm;
class MoeVitBackbone;
class Progress;
class CancelToken;

// Per MoE layer: `outputs` (cosine of the experts' outputs on the same router inputs, all tokens
// together), `usage` (share of the top-k slots each expert gets) and `coSelection` (share of tokens
// choosing both experts) filled; plus the recorded router inputs (for router merging and its measure).
struct DataCentricRedundancy {
    std::map<int, ExpertSimilarity> layers;
    std::map<int, at::Tensor> routerInputs; // layer -> [tokens, hidden] (at most maxTokens rows)
};

// Runs the model over images [N, C, H, W] (normalised) in batches; tokens are subsampled to maxTokens
// per layer (seeded, evenly spaced). Checks cancel per batch.
DataCentricRedundancy dataCentricRedundancy(MoeVitBackbone& model, const at::Tensor& images, int64_t batchSize,
                                            int64_t maxTokens, Progress& progress, const CancelToken& cancel);

// The same for a language model with MoE layers over token windows [N, T] (int64), run in batches
// of `batchSize` windows.
DataCentricRedundancy dataCentricRedundancy(const CausalLm& model, const at::Tensor& windows, int64_t batchSize,
                                            int64_t maxTokens, Progress& progress, const CancelToken& cancel);

// `ids` cut into consecutive windows of `context` tokens: [N, context] (a shorter remainder is
// dropped, unless it is the only window). Throws InputError when there are fewer than 2 tokens.
at::Tensor tokenWindows(const std::vector<int64_t>& ids, int64_t context);

// The first `limit` images of a dataset file's "train" split (else "val", else its first split),
// normalised for the network. Throws FormatError/IoError naming the file.
at::Tensor calibrationImages(const std::string& datasetPath, int64_t limit);

} // namespace mergelab
