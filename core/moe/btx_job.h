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
    // Routers from data work on the CLIP ViT (task images) and Llama-family LMs (task texts: the
    // train split, else val). Throws InputError when an expert is not a model of the data project. Cancelling
    // leaves no output (and no scratch folder) behind.
    void run(Progress& progress, const CancelToken& cancel) override;
    const BtxResult& result() const { return m_result; }
    // The router fine-tuning's history and tensors (empty without fine-tuning).
    const RouterFinetuneResult& finetuneResult() const { return m_finetune; }

private:
    // Routers from data on the model built with random routers at `scratch`, into options.routers.
    void vitRoutersFromData(const std::string& scratch, BtxOptions& options, Progress& progress,
                            const CancelToken& cancel);
    void lmRoutersFromData(const std::string& scratch, BtxOptions& options, Progress& progress,
                           const CancelToken& cancel);

    BtxSpec m_spec;
    BtxResult m_result;
    RouterFinetuneResult m_finetune;
};

} // namespace mergelab
