#pragma once

#include "analysis/analysis_report.h"

#include <cstdint>
#include <vector>

namespace mergelab {

// Sums behind TaskVectorStats, for T task vectors over some coordinates. Sums of two
// accumulators describe the union of their coordinates, so tensors add up to layers and the model.
class StatsAccumulator {
public:
    explicit StatsAccumulator(int modelCount = 0);

    int modelCount() const { return m_models; }

    int64_t numel = 0;
    double baseSquares = 0.0;            // Σ θ0²
    std::vector<double> gram;            // T x T, Σ τi·τj (row-major, symmetric)
    uint64_t overlapCount = 0;           // coordinates with >= 2 nonzero trimmed entries
    uint64_t conflictCount = 0;          // ... whose nonzero trimmed entries have both signs
    std::vector<uint64_t> maskCounts;    // T: nonzero trimmed entries of τi
    std::vector<uint64_t> intersections; // T x T: both τi and τj nonzero after trimming
    std::vector<uint64_t> disagreements; // T x T: both nonzero with opposite signs

    // Adds the counts of coordinates described by sign codes: codeCounts[pos | neg << T] is the
    // number of coordinates whose trimmed entries are positive for the models in bit set `pos`
    // and negative for those in `neg` (T <= kMaxCodeModels).
    void addSignCodes(const std::vector<uint64_t>& codeCounts);
    // Adds one coordinate's sign pattern directly (any T <= 32).
    void addSignPattern(uint32_t pos, uint32_t neg);

    void add(const StatsAccumulator& other);
    // Norms, cosines, rates; NaN where undefined.
    TaskVectorStats finalize() const;

    static constexpr int kMaxCodeModels = 6;

private:
    int m_models = 0;
};

} // namespace mergelab
