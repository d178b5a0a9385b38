// The four data-driven merges as one cancellable Job (CLI verb learn-merge, the window's method
// selector): run the method, optionally write its output, keep the result for evaluation.
#pragma once

#include "datamerge/ada_merging.h"
#include "datamerge/fisher_merge.h"
#include "datamerge/regmean_merge.h"
#include "datamerge/wemoe_train.h"

#include <memory>
#include <optional>

namespace mergelab {

enum class DataMergeMethod { Fisher, RegMean, AdaMergingTaskWise, AdaMergingLayerWise, WeMoe };

// "fisher", "regmean", "adamerging" (task-wise), "adamerging-layerwise", "wemoe"; nullopt otherwise.
std::optional<DataMergeMethod> parseDataMergeMethod(const std::string& name);
std::string dataMergeMethodName(DataMergeMethod method);
// Split the method reads by default: "train" for Fisher / RegMean, "test" (unlabeled) for the
// test-time adaptation methods.
std::string defaultDataSplit(DataMergeMethod method);

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

class DataMergeJob : public Job {
public:
    DataMergeJob(std::shared_ptr<const DataMergeInputs> inputs, DataMergeRequest request);
    std::string name() const override;
    void run(Progress& progress, const CancelToken& cancel) override;

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
    std::shared_ptr<const DataMergeInputs> m_inputs;
    DataMergeRequest m_request;
    TensorMap m_merged;
    std::shared_ptr<WeMoeModel> m_wemoe;
    at::Tensor m_lambdas;
    std::vector<double> m_losses;
    std::vector<StepReport> m_steps;
};

} // namespace mergelab
