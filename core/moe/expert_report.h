// Expert-redundancy results as JSON (for --json and the GUI) and as terminal text.
#pragma once

#include "moe/expert_clustering.h"
#include "moe/expert_merge.h"
#include "moe/expert_similarity.h"
#include "moe/moe_layout.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mergelab {

// Everything known about one layer's experts: similarities, the merge tree, optional groups.
struct LayerRedundancy {
    ExpertSimilarity similarity;
    std::vector<LinkageRow> tree;         // average linkage on 1 - weight similarity
    std::vector<std::vector<int>> groups; // empty unless a K or a threshold was asked for
};

// Similarity, tree and (K > 0: cut to K; else minSimilarity in (0, 1]: cut by threshold; else no)
// groups for the layers of `similarities`, clustering by weight similarity or, byOutputs, by output
// similarity (which must then be present). Throws InputError when K is out of range.
std::vector<LayerRedundancy> clusterExperts(const std::vector<ExpertSimilarity>& similarities, int k,
                                            double minSimilarity, bool byOutputs = false);

// {"file", "family", "num_experts", "top_k", "total_parameters", "expert_parameters",
//  "layers": [{"layer", "prefix", "router", "weight_similarity" [[E x E]], "router_similarity",
//              "linkage" [[a, b, distance, count]] (scipy rows), "groups" [[ids]] (when cut)}]}
nlohmann::json expertReportJson(const std::string& file, const MoeLayout& layout,
                                const std::vector<LayerRedundancy>& layers);
// Adds "merge": {experts_before/after, top_k_before/after, parameters_before/after, output,
// layers: [{layer, groups, router_mass_error, router_top1_agreement}]} to a report.
void addMergeToJson(nlohmann::json& report, const ExpertMergeResult& result, RouterRule rule);

// Terminal text of the layers: matrices with 3 decimals, the merge tree, groups.
std::string formatExpertReport(const std::vector<LayerRedundancy>& layers);
// Terminal text of a merge: parameters before/after, groups and router mass error per layer.
std::string formatMergeResult(const ExpertMergeResult& result, RouterRule rule);

} // namespace mergelab
