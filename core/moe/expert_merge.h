// Merging experts to prune an MoE: per layer, groups of experts become one expert each (weights
// averaged, router rows merged), experts renumbered, config.json updated; written streaming.
#pragma once

#include "io/checkpoint_writer.h"
#include "jobs/job.h"
#include "moe/expert_clustering.h"
#include "moe/moe_layout.h"
#include "moe/router_merge.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

class Checkpoint;

// What merge-to-K does.
struct ExpertMergeOptions {
    int targetExperts = 0;      // K, 1..E
    bool usageWeighted = false; // weight members by `usage` instead of a plain average
    RouterRule router = RouterRule::Mean;
    std::map<int, std::vector<double>> usage;            // layer -> routing usage per expert (from data)
    std::map<int, std::vector<std::vector<int>>> groups; // layer -> explicit groups (else clustered by weights)
    bool dropUngrouped = false;                          // experts in no given group are dropped (drop-least-used)
    std::map<int, at::Tensor> routerInputs;              // layer -> recorded router inputs [tokens, hidden] (data)
    int64_t calibrationInputs = 0; // router inputs for lse and the mass measure (0: max(2 x hidden, 2048))
    uint64_t seed = 0;             // proxy router inputs
    WriteOptions write;
};

// What happened in one layer.
struct LayerMergeReport {
    int layer = 0;
    std::vector<std::vector<int>> groups; // old expert ids of each new expert
    double routerMassError = 0;           // routerMassError() on the calibration inputs
    double routerTop1Agreement = 0;
};

// Result of a merge-to-K.
struct ExpertMergeResult {
    std::string path; // the committed output
    int64_t parametersBefore = 0;
    int64_t parametersAfter = 0;
    int expertsBefore = 0;
    int expertsAfter = 0;
    int topKBefore = 0;
    int topKAfter = 0;
    std::vector<LayerMergeReport> layers;
};

// Groups of each MoE layer for K: options.groups when given for the layer, else average-linkage
// clustering of weight similarity cut to K. Throws InputError when K is out of range.
std::map<int, std::vector<std::vector<int>>> planExpertGroups(const Checkpoint& checkpoint, const MoeLayout& layout,
                                                              const ExpertMergeOptions& options,
                                                              const CancelToken* cancel = nullptr);

// Writes the merged checkpoint to `output` (safetensors folder by default; config.json and tokenizer
// files copied into it, with the expert count = K and top-k = min(top-k, K)). Reads each input byte
// once and holds one group's tensors of one role at a time. Cancelling leaves nothing behind.
ExpertMergeResult mergeExperts(const Checkpoint& checkpoint, const MoeLayout& layout, const ExpertMergeOptions& options,
                               const std::string& output, Progress& progress, const CancelToken& cancel);

} // namespace mergelab
