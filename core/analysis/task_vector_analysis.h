#pragma once

#include "analysis/analysis_report.h"
#include "jobs/job.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

class Checkpoint;

// What the analysis computes and how.
struct AnalysisOptions {
    double density = 0.2;                   // TIES trim: share of top magnitudes kept per tensor, in (0, 1]
    int bins = 64;                          // value histogram bins
    double histogramQuantile = 0.999;       // histogram range = max over models of this quantile of |τi|
    int threads = 0;                        // tensors in flight; 0: one per core (at most 4)
    std::vector<std::string> layerPatterns; // LayerIndexParser patterns; empty: its defaults
    int64_t exactSelectionMaxNumel = 4096;  // trim threshold by nth_element up to this size, radix select above
};

// Analyses the task vectors models[i] − base in one pass over the tensors: each tensor of each
// checkpoint is read once, statistics of all models are accumulated together (float64 sums),
// `options.threads` tensors at a time. Progress per tensor; throws CancelledError when cancelled,
// InputError for bad options, the readers' errors (naming file and tensor) for bad files.
AnalysisReport analyzeTaskVectors(const Checkpoint& base, const std::vector<const Checkpoint*>& models,
                                  const std::vector<std::string>& names, const AnalysisOptions& options,
                                  Progress& progress, const CancelToken& cancel);

// Display names for checkpoints: file stems ("ft_a.safetensors" -> "ft_a", a folder -> its name),
// made unique with a suffix.
std::vector<std::string> defaultModelNames(const std::vector<std::string>& paths);

// The analysis as a Job: opens the checkpoints, analyses, keeps the report.
class AnalysisJob : public Job {
public:
    // names may be empty (defaultModelNames) or one per model path.
    AnalysisJob(std::string basePath, std::vector<std::string> modelPaths, std::vector<std::string> names,
                AnalysisOptions options);
    std::string name() const override { return "analysis"; }
    void run(Progress& progress, const CancelToken& cancel) override;
    // Valid after run() returned normally.
    const AnalysisReport& report() const { return m_report; }

private:
    std::string m_basePath;
    std::vector<std::string> m_modelPaths;
    std::vector<std::string> m_names;
    AnalysisOptions m_options;
    AnalysisReport m_report;
};

} // namespace mergelab
