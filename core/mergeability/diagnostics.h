#pragma once

#include "eval/evaluator.h"
#include "mergeability/coefficient_surface.h"
#include "mergeability/disentanglement.h"
#include "mergeability/sharpness.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mergelab {

// What `diagnose` computes, on which data.
struct DiagnosticsOptions {
    std::string split = "val";
    int64_t limit = 256;         // samples per task (< 0: all)
    double rho = 0.05;           // sharpness radius
    int64_t sharpnessBatch = 64; // inputs per sharpness batch
    double alpha = 0.3;          // coefficient of every task vector for the disentanglement error
    bool sharpness = true;
    bool disentanglement = true;
    std::string surfaceA, surfaceB; // tasks of the surface ("" = none; B "" = a line)
    std::vector<double> grid = {0, 0.25, 0.5, 0.75, 1.0};
};

// Sharpness and own-task numbers of one fine-tune.
struct ModelSharpness {
    std::string model, task;
    SharpnessResult result;
    double accuracy = 0; // the fine-tune on its own task (same samples)
};

// Everything `diagnose` found.
struct DiagnosticsReport {
    std::string project, split;
    int64_t limit = 0;
    double rho = 0, alpha = 0;
    double baseAccuracy = 0; // mean over the fine-tunes' tasks of the base's accuracy
    std::vector<ModelSharpness> sharpness;
    std::optional<DisentanglementReport> disentanglement;
    std::optional<CoefficientSurface> surface;
    std::string toJson() const;
    std::string toText() const; // the tables the CLI prints
};

// A project held in memory for diagnostics: base, each fine-tune as a task vector, the backbone,
// each fine-tune's task data and head. Only fine-tunes whose task has data and a head are used.
// Not thread-safe (one backbone).
class MergeabilityData {
public:
    // Throws InputError when the project has no architecture or no fine-tune with evaluable data.
    MergeabilityData(const ModelSet& set, const std::string& split, int64_t limit);
    ~MergeabilityData();

    const std::vector<std::string>& models() const { return m_models; }   // fine-tune names
    const std::vector<std::string>& tasks() const { return m_taskNames; } // their tasks
    const TensorMap& base() const { return m_base; }
    const std::vector<TensorMap>& taskVectors() const { return m_taskVectors; }
    int indexOfTask(const std::string& task) const; // -1 when absent

    // Predicted labels / (mean cross-entropy, accuracy) of fine-tune k's task data under params.
    at::Tensor predict(const TensorMap& params, std::size_t k);
    std::pair<double, double> score(const TensorMap& params, std::size_t k);
    // Sharpness of fine-tune k (θ0 + τ_k) on its task's data, batches of `batchSize`.
    SharpnessResult sharpnessOf(std::size_t k, double rho, int64_t batchSize, const CancelToken& cancel);

private:
    std::unique_ptr<Backbone> m_backbone;
    std::vector<EvalTask> m_data; // one per fine-tune
    std::vector<std::string> m_models, m_taskNames;
    TensorMap m_base;
    std::vector<TensorMap> m_taskVectors;
};

// Runs the diagnostics of a project as a Job (CLI `diagnose`, the Diagnostics page).
class DiagnoseJob : public Job {
public:
    DiagnoseJob(ModelSet set, DiagnosticsOptions options);
    std::string name() const override { return "Mergeability diagnostics"; }
    void run(Progress& progress, const CancelToken& cancel) override;
    const DiagnosticsReport& report() const { return m_report; }

private:
    ModelSet m_set;
    DiagnosticsOptions m_options;
    DiagnosticsReport m_report;
};

} // namespace mergelab
