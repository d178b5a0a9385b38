// core/moe: Mixture-of-Experts surgery. Recognising MoE checkpoints (this file), expert similarity
// and clustering, merging experts to prune them, and the MoE block forward used by tests and the MoE ViT.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mergelab {

class Checkpoint;

// Checkpoint families with sparse MoE layers that MergeLab knows.
enum class MoeFamily { Mixtral, Qwen2Moe, DeepSeekMoe, MoeVit, Generic };

// "mixtral", "qwen2_moe", "deepseek_moe", "moe_vit", "generic".
const char* moeFamilyName(MoeFamily family);

// One routed expert: its tensors, in the order of MoeLayer::roles.
struct MoeExpert {
    int index = 0;
    std::vector<std::string> tensors; // full names, aligned with MoeLayer::roles
};

// One sparse MoE layer: a router ("gate") and E experts that share the same tensor roles and shapes.
struct MoeLayer {
    int layer = 0;                                // transformer block index
    std::string prefix;                           // "model.layers.3.block_sparse_moe"
    std::string router;                           // "<prefix>.gate.weight", shape [E, hidden]
    std::vector<std::string> roles;               // per-expert suffixes: "w1.weight", "w2.weight", "w3.weight"
    std::vector<std::vector<int64_t>> roleShapes; // shape of each role (equal across experts)
    std::vector<MoeExpert> experts;               // indices 0..E-1 in order
    std::vector<std::string> shared;              // other tensors under prefix (shared experts, their gate, biases)

    int64_t expertParameters() const; // parameters of one expert
};

// Where every expert of a checkpoint lives, plus the routing configuration.
struct MoeLayout {
    MoeFamily family = MoeFamily::Generic;
    int numExperts = 0;           // routed experts per layer (equal in every MoE layer)
    int topK = 0;                 // experts chosen per token (config; 0 when unknown)
    std::string expertCountKey;   // config key holding numExperts ("num_local_experts", ...)
    std::vector<MoeLayer> layers; // MoE layers in block order (dense blocks are absent)
    nlohmann::json config;        // config.json (null when absent)
    std::string configPath;       // "" when absent
    int64_t totalParameters = 0;  // whole checkpoint
    int64_t expertParameters = 0; // all routed experts of all layers

    const MoeLayer* findLayer(int layer) const; // nullptr when that block is not MoE
};

// Recognises the MoE layout of an open checkpoint from its tensor names and config.json (read from
// the checkpoint's folder when present). Throws InputError naming the file when the checkpoint has
// no MoE layer ("not a Mixture-of-Experts checkpoint"), FormatError for inconsistent experts
// (mismatched shapes, missing roles, gaps in expert numbering, a router of the wrong shape, a
// config expert count that disagrees with the tensors).
MoeLayout detectMoeLayout(const Checkpoint& checkpoint);
// Same, but returns nullopt for a dense checkpoint (inconsistent MoE tensors still throw).
std::optional<MoeLayout> tryDetectMoeLayout(const Checkpoint& checkpoint);

// Multi-line text: family, experts per layer, top-k, router and expert tensors, parameter counts.
// This is what `mergelab-cli experts PATH` prints and what `inspect` should append for MoE files.
std::string describeMoeLayout(const MoeLayout& layout);
// One line for `inspect`: "MoE: mixtral, 32 layers x 8 experts, top-2, experts 45.1B of 46.7B parameters".
std::string moeSummaryLine(const MoeLayout& layout);

} // namespace mergelab
