// The expert workflow in the order the report reads: layout, similarities, groups, merge.
#include "moe/expert_merge_job.h"

#include "common/error.h"
#include "eval/lm_eval.h"
#include "io/checkpoint.h"
#include "models/causal_lm.h"
#include "moe/expert_grouping.h"
#include "moe/expert_outputs.h"
#include "moe/expert_similarity.h"
#include "moe/moe_vit.h"
#include "text/tokenizer.h"

#include <ATen/ops/cat.h>

#include <algorithm>

namespace mergelab {

ExpertMergeJob::ExpertMergeJob(ExpertMergeSpec spec) : m_spec(std::move(spec)) {}

std::string ExpertMergeJob::name() const
{
    return m_spec.targetExperts > 0 ? "merge experts to " + std::to_string(m_spec.targetExperts) : "expert similarity";
}

void ExpertMergeJob::run(Progress& progress, const CancelToken& cancel)
{
    const ExpertMergeSpec& spec = m_spec;
    spec.validate();
    m_outcome = {};
    const auto checkpoint = Checkpoint::open(spec.input);
    m_outcome.layout = detectMoeLayout(*checkpoint);
    const MoeLayout& layout = m_outcome.layout;
    const int k = spec.targetExperts;
    if (k > layout.numExperts)
        throw InputError(spec.input, {},
                         "--merge-to " + std::to_string(k) + " is out of range (the model has " +
                             std::to_string(layout.numExperts) + " experts per layer; expected 1.." +
                             std::to_string(layout.numExperts) + ")");
    // Data-centric analysis needs MergeLab's forward pass: the MoE ViT (calibration images) and the
    // MoE language models (calibration text).
    const bool languageModel = layout.family == MoeFamily::Mixtral || layout.family == MoeFamily::Qwen2Moe;
    if (!spec.calibrationData.empty() && layout.family != MoeFamily::MoeVit && !languageModel)
        throw InputError(spec.input, {},
                         std::string("--data: expert outputs need a forward pass, which MergeLab has for the "
                                     "MoE ViT, Mixtral and Qwen2-MoE (this is ") +
                             moeFamilyName(layout.family) + "); use --by weights");

    // The calibration inputs and the model first: a bad file fails before any work is done.
    std::unique_ptr<CausalLm> lm;
    std::unique_ptr<MoeVitBackbone> vit;
    std::vector<at::Tensor> parts;
    if (!spec.calibrationData.empty() && languageModel) {
        lm = CausalLm::open(spec.input);
        const auto tokenizer = Tokenizer::open(spec.input);
        for (const std::string& file : spec.calibrationData)
            parts.push_back(tokenWindows(textFileTokens(file, *tokenizer, "calibration text", spec.calibrationTokens),
                                         std::min<int64_t>(spec.calibrationContext, defaultContext(*lm))));
    } else if (!spec.calibrationData.empty()) {
        vit = loadMoeVit(spec.input);
        for (const std::string& file : spec.calibrationData)
            parts.push_back(calibrationImages(file, spec.calibrationImages));
    }
    auto sims = analyzeExpertRedundancy(*checkpoint, layout, spec.layer, progress, cancel);
    DataCentricRedundancy data;
    if (lm)
        data = dataCentricRedundancy(*lm, at::cat(parts), 8, 8192, progress, cancel);
    else if (vit)
        data = dataCentricRedundancy(*vit, at::cat(parts), 16, 8192, progress, cancel);
    if (!spec.calibrationData.empty())
        for (ExpertSimilarity& s : sims) {
            const ExpertSimilarity& d = data.layers.at(s.layer);
            s.outputs = d.outputs;
            s.usage = d.usage;
            s.coSelection = d.coSelection;
        }
    m_outcome.layers = clusterExperts(sims, k, spec.threshold, spec.by == ExpertGrouping::Outputs);
    // The baselines replace the similarity groups (the similarities and tree are still reported).
    for (LayerRedundancy& l : m_outcome.layers) {
        if (spec.by == ExpertGrouping::Random)
            l.groups = randomExpertGroups(l.similarity.numExperts, k, spec.seed + uint64_t(l.similarity.layer));
        else if (spec.dropLeastUsed)
            l.groups = mostUsedExperts(l.similarity.usage, k);
    }
    if (k == 0)
        return;

    ExpertMergeOptions options;
    options.targetExperts = k;
    options.usageWeighted = spec.usageWeighted;
    options.dropUngrouped = spec.dropLeastUsed;
    options.router = spec.routerRule();
    for (const LayerRedundancy& l : m_outcome.layers) { // merge the groups the report shows
        options.groups[l.similarity.layer] = l.groups;
        if (!l.similarity.usage.empty())
            options.usage[l.similarity.layer] = l.similarity.usage;
    }
    options.routerInputs = data.routerInputs;
    m_outcome.merge = mergeExperts(*checkpoint, layout, options, spec.output, progress, cancel);
    m_outcome.router = options.router;
    m_outcome.merged = true;
}

} // namespace mergelab
