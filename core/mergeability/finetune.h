// core/mergeability: making fine-tunes mergeable and measuring it (Lee et al. 2025): plain or
// sharpness-aware (SAM) fine-tuning of a project's base, sharpness, weight disentanglement,
// loss/accuracy over task-vector coefficients.
#pragma once

#include "io/model_set.h"
#include "jobs/job.h"
#include "zoo/trainer.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mergelab {

// How one task is fine-tuned. Batch order uses seed + 1000 + (index of the task in the project),
// the zoo's convention, so seed = the zoo build's seed re-creates its plain fine-tunes bit for bit.
struct FinetuneOptions {
    TrainSettings train;
    uint64_t seed = 0;
};

// Defaults for a project: the zoo's fine-tuning settings (from model_card.json beside the project
// when there is one; otherwise 400 steps, batch 64, lr 5e-5), warm-up steps/10, no weight decay.
FinetuneOptions defaultFinetuneOptions(const ModelSet& set);

// (step, running loss) every 25 steps and at the end.
using LossCurve = std::vector<std::pair<int64_t, double>>;

// One fine-tuned task: its parameters and loss curve.
struct FinetuneResult {
    std::string task;
    std::map<std::string, at::Tensor> parameters;
    LossCurve lossCurve;
    double seconds = 0;
};

// Fine-tunes the project's base on `task` with the task's head frozen (needs a clip_vit
// architecture, a dataset with a train split and a normalised head). Throws InputError for an
// unknown task, FormatError/IoError from the readers, CancelledError between steps.
FinetuneResult finetuneTask(const ModelSet& set, const std::string& task, const FinetuneOptions& options,
                            Progress& progress, const CancelToken& cancel);

// Writes fine-tuned parameters as one safetensors file (temporary name, verify, rename).
void writeFinetuned(const std::string& path, const FinetuneResult& result, const FinetuneOptions& options);

// Fine-tunes one task (output = a .safetensors file) or every task of the project (output = a new
// folder holding checkpoints/<task>.safetensors, finetune_card.json and <folder name>.mergelab.json
// that shares the source project's base, architecture, heads and data). Cancel or failure leaves
// nothing behind.
class FinetuneJob : public Job {
public:
    // tasks empty = every task that has a fine-tuned model or data in the project.
    FinetuneJob(ModelSet set, std::vector<std::string> tasks, FinetuneOptions options, std::string output,
                bool projectOutput);
    std::string name() const override;
    void run(Progress& progress, const CancelToken& cancel) override;
    const std::vector<FinetuneResult>& results() const { return m_results; }
    // The project written (projectOutput) or the checkpoint path.
    const std::string& written() const { return m_written; }

private:
    void runProject(Progress& progress, const CancelToken& cancel);

    ModelSet m_set;
    std::vector<std::string> m_tasks;
    FinetuneOptions m_options;
    std::string m_output;
    bool m_projectOutput;
    std::vector<FinetuneResult> m_results;
    std::string m_written;
};

} // namespace mergelab
