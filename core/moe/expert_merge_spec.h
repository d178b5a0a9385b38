// One expert-redundancy / merge-to-K run as every front end asks for it (mergelab-cli experts, the
// Experts page): similarity source, grouping, K, router policy and output, checked once here.
// ExpertMergeJob runs it, so the same spec gives the same merged model from either front end.
#pragma once

#include "moe/router_merge.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mergelab {

// What the experts of a layer are grouped by: weight similarity (model-centric), output similarity
// on calibration images or text (data-centric), or random groups (a baseline).
enum class ExpertGrouping { Weights, Outputs, Random };

// "weights" | "outputs" | "random"; throws InputError otherwise.
ExpertGrouping parseExpertGrouping(const std::string& text);
const char* expertGroupingName(ExpertGrouping grouping);

struct ExpertMergeSpec {
    std::string input; // MoE checkpoint (file or Hugging Face folder)
    int layer = -1;    // analyse only this MoE layer (-1: all; a merge covers all)
    ExpertGrouping by = ExpertGrouping::Weights;
    std::vector<std::string> calibrationData; // HDF5 datasets (MoE ViT) or text files (MoE LMs): outputs,
                                              // usage, router inputs
    int64_t calibrationImages = 64;           // images used from each dataset
    int64_t calibrationTokens = 8192;         // tokens used from each text file
    int64_t calibrationContext = 512;         // tokens per window (at most the model's context)
    int targetExperts = 0;                    // K per layer; 0: analysis only
    double threshold = 0;                     // without K: show groups of similarity >= threshold
    bool dropLeastUsed = false;               // baseline: keep each layer's K most used experts, drop the rest
    bool usageWeighted = false;               // a group's expert weights: usage-weighted, else plain average
    std::optional<RouterRule> router;         // unset: decided by routerRule()
    uint64_t seed = 0;                        // random groups (layer L uses seed + L)
    std::string output;                       // merged checkpoint; needs K

    // Checks what can be checked without opening the input; throws InputError naming the option.
    void validate() const;
    // The router rule the merge uses: kept experts keep their own rows when dropping (mean); else
    // the one asked for; else the least-squares log-sum-exp fit on recorded router inputs when there
    // is calibration data (it keeps the routing mass, docs/moe.md) and the mean without (where the
    // fit on proxy inputs would equal the mean).
    RouterRule routerRule() const;
};

} // namespace mergelab
