// ExpertMergeJob: runs an ExpertMergeSpec (the CLI's experts verb and the Experts page both do):
// layout, similarity per layer, optional data-centric statistics, groups, and merge-to-K.
#pragma once

#include "jobs/job.h"
#include "moe/expert_merge.h"
#include "moe/expert_merge_spec.h"
#include "moe/expert_report.h"
#include "moe/moe_layout.h"

#include <vector>

namespace mergelab {

// What a run found and wrote.
struct ExpertMergeOutcome {
    MoeLayout layout;
    std::vector<LayerRedundancy> layers; // similarity, tree and groups (the groups merged, with K)
    bool merged = false;                 // a K was asked for and the output is written
    ExpertMergeResult merge;
    RouterRule router = RouterRule::Mean; // the rule the merge used (ExpertMergeSpec::routerRule)
};

class ExpertMergeJob : public Job {
public:
    explicit ExpertMergeJob(ExpertMergeSpec spec);
    std::string name() const override;
    // Throws InputError when K exceeds the experts per layer or calibration data is given for a
    // model MergeLab has no forward pass for. Cancelling leaves no output behind.
    void run(Progress& progress, const CancelToken& cancel) override;
    const ExpertMergeOutcome& outcome() const { return m_outcome; }
    const ExpertMergeResult& result() const { return m_outcome.merge; }

private:
    ExpertMergeSpec m_spec;
    ExpertMergeOutcome m_outcome;
};

} // namespace mergelab
