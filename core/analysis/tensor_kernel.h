#pragma once

#include "analysis/stats_accumulator.h"
#include "analysis/value_histogram.h"
#include "io/tensor_data.h"

#include <vector>

namespace mergelab {

// How one tensor's statistics are computed.
struct KernelOptions {
    double density = 0.2;                  // share of top magnitudes kept per tensor when trimming
    int64_t exactSelectionMaxNumel = 4096; // up to this size: nth_element; above: radix select
};

// Scratch memory reused across tensors by one worker thread.
struct KernelWorkspace {
    std::vector<double> blocks;                            // (T + 1) x block
    std::vector<std::vector<uint32_t>> magnitudes;         // small tensors: |τi| bits per model
    std::vector<uint64_t> tensorHistogram;                 // T x 65536, large tensors
    std::vector<std::vector<uint32_t>> perModelCandidates; // large tensors: members of the threshold bucket
    std::vector<uint64_t> codeCounts;
};

// Accumulates the statistics of one tensor of T task vectors (models[i] − base) into `stats`
// (a fresh accumulator for T models) and the value histogram of each τi into histograms[i].
// Inputs must have the base's shape and a floating dtype. Reads each input's bytes; no allocation
// proportional to the tensor except for the candidates of the selection.
void accumulateTensor(const TensorData& base, const std::vector<TensorData>& models, const KernelOptions& options,
                      KernelWorkspace& workspace, StatsAccumulator& stats, std::vector<FineHistogram>& histograms);

// The threshold TIES trimming uses: the k-th largest |value| (k = max(1, floor(density * n))),
// as float32 bits of the magnitude. Exposed for tests.
uint32_t kthLargestMagnitudeBits(std::vector<uint32_t>& magnitudeBits, int64_t k);

} // namespace mergelab
