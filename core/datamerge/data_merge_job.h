// The four data-driven merges as one cancellable Job (recipes with a `data` section, CLI verb
// learn-merge, the Learn page): load the project's data, run the method, optionally write its
// output, keep the result for evaluation.
#pragma once

#include "datamerge/ada_merging.h"
#include "datamerge/data_merge_spec.h"
#include "datamerge/fisher_merge.h"
#include "datamerge/regmean_merge.h"
#include "datamerge/wemoe_train.h"
#include "io/model_set.h"

#include <memory>
#include <optional>

namespace mergelab {

// A spec resolved into the methods' own options (what DataMergeJob runs on loaded inputs).
struct DataMergeRequest {
    DataMergeMethod method = DataMergeMethod::Fisher;
    // Where to write: a .safetensors file (WEMoE: a folder with wemoe.json + model.safetensors).
    // Empty: keep the result in memory only.
    std::string output;
    FisherOptions fisher;
    RegMeanOptions regmean;
    AdaMergingOptions ada;
    WeMoeOptions wemoe;
};

// The options a spec asks for: its values, the methods' defaults for the rest. Validates the spec.
DataMergeRequest dataMergeRequest(const DataMergeSpec& spec);

class DataMergeJob : public Job {
public:
    // Runs a spec on `set`: loads its weights and the spec's split, then merges.
    DataMergeJob(ModelSet set, DataMergeSpec spec);
    // Runs resolved options on inputs already in memory.
    DataMergeJob(std::shared_ptr<const DataMergeInputs> inputs, DataMergeRequest request);
    std::string name() const override;
    void run(Progress& progress, const CancelToken& cancel) override;
    // Called on the job's thread after every training step (AdaMerging, WEMoE).
    void setStepCallback(StepCallback onStep) { m_onStep = std::move(onStep); }

    // The weights and data the merge ran on (after run()).
    std::shared_ptr<const DataMergeInputs> inputs() const { return m_inputs; }
    // Wall time of the merge and its writing, without loading the inputs (after run()).
    double seconds() const { return m_seconds; }

    // Merged plain-ViT tensors (Fisher, RegMean, AdaMerging); empty for WEMoE.
    const TensorMap& merged() const { return m_merged; }
    // The trained WEMoE model (WEMoE only).
    std::shared_ptr<WeMoeModel> wemoe() const { return m_wemoe; }
    // AdaMerging's learned coefficients (AdaMerging only).
    const at::Tensor& lambdas() const { return m_lambdas; }
    // Loss per training step (AdaMerging, WEMoE).
    const std::vector<double>& losses() const { return m_losses; }
    // Every step's report (AdaMerging, WEMoE): loss, coefficients, validation when asked.
    const std::vector<StepReport>& steps() const { return m_steps; }

private:
    void load(Progress& progress, const CancelToken& cancel);

    std::optional<ModelSet> m_set; // with m_spec: what run() loads
    std::optional<DataMergeSpec> m_spec;
    std::shared_ptr<const DataMergeInputs> m_inputs;
    DataMergeRequest m_request;
    StepCallback m_onStep;
    double m_seconds = 0;
    TensorMap m_merged;
    std::shared_ptr<WeMoeModel> m_wemoe;
    at::Tensor m_lambdas;
    std::vector<double> m_losses;
    std::vector<StepReport> m_steps;
};

} // namespace mergelab
