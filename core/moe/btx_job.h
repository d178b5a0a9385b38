// BtxJob: runs a BtxSpec. With routers from data it builds the MoE once with random routers, sets
// them from hidden states and/or fine-tuning on the loaded model, then writes the final checkpoint.
#pragma once

#include "jobs/job.h"
#include "moe/btx_spec.h"

namespace mergelab {

class BtxJob : public Job {
public:
    explicit BtxJob(BtxSpec spec);
    // branchTrainMix() alone: random routers.
    BtxJob(std::string base, std::vector<std::string> experts, std::string output, BtxOptions options);
    std::string name() const override { return "Branch-Train-MiX"; }
    // Throws InputError when routers from data are asked for a model without MergeLab's forward
    // pass (anything but the ViT), or an expert is not a model of the data project. Cancelling
    // leaves no output (and no scratch folder) behind.
    void run(Progress& progress, const CancelToken& cancel) override;
    const BtxResult& result() const { return m_result; }
    // The router fine-tuning's history and tensors (empty without fine-tuning).
    const RouterFinetuneResult& finetuneResult() const { return m_finetune; }

private:
    BtxSpec m_spec;
    BtxResult m_result;
    RouterFinetuneResult m_finetune;
};

} // namespace mergelab
