// core/analysis: task-vector statistics (similarity, sign conflicts, norms, histograms) computed
// in one streaming pass, and the report structs the GUI renders. No Qt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

// A dense row-major matrix as nested vectors: matrix[i][j]. T x T for task-vector pairs.
using Matrix = std::vector<std::vector<double>>;

// Statistics of T task vectors τi = θi − θ0 over some set of coordinates (one tensor, one layer,
// or the whole model). Undefined values (cosine with a zero vector, a rate over zero coordinates,
// Model Stock with T < 2) are NaN; the JSON writer spells them null.
struct TaskVectorStats {
    int64_t numel = 0;                 // coordinates covered
    double baseNorm = 0.0;             // ‖θ0‖ (L2)
    std::vector<double> norms;         // ‖τi‖ (L2), size T
    std::vector<double> relativeNorms; // ‖τi‖ / ‖θ0‖, size T
    Matrix cosine;                     // cos(τi, τj) from accumulated dot products, T x T
    // TIES sign conflicts after trimming each τi to its top-`density` magnitudes per tensor:
    // conflictRate = conflictCount / overlapCount, where overlapCount counts coordinates with at
    // least two nonzero trimmed entries and conflictCount those among them with both signs.
    double conflictRate = 0.0;
    Matrix conflictPairwise;  // per pair: opposite signs / both nonzero after trimming; diagonal 0
    Matrix jaccard;           // per pair: |Mi ∩ Mj| / |Mi ∪ Mj| of the trimmed nonzero masks; diagonal 1
    double meanCosine = 0.0;  // Model Stock: mean of cos(τi, τj) over pairs i < j
    double modelStockT = 0.0; // Model Stock interpolation factor t = T·cos / (1 + (T − 1)·cos)

    // Raw counts behind the rates (so layers and files can be re-aggregated exactly).
    uint64_t overlapCount = 0;
    uint64_t conflictCount = 0;
    std::vector<uint64_t> maskCounts; // |Mi|, size T
};

// One analysed tensor.
struct TensorReport {
    std::string name;
    int layer = -1; // layer index parsed from the name; -1 when the name has none
    std::vector<int64_t> shape;
    std::string dtype; // of the base tensor, safetensors spelling ("F32", "BF16", ...)
    TaskVectorStats stats;
};

// All analysed tensors sharing one layer index (layer -1: tensors outside any layer, e.g.
// embeddings and heads).
struct LayerReport {
    int layer = -1;
    int tensorCount = 0;
    TaskVectorStats stats;
};

// Value histograms of every τi over all analysed coordinates, with common fixed bins on the
// symmetric range [-range, +range] (bin b covers [-range + b·w, -range + (b+1)·w), w = 2·range/bins).
struct HistogramReport {
    double range = 0.0; // symmetric half-width; see docs/formats.md for how it is chosen
    int bins = 0;
    std::vector<std::vector<uint64_t>> counts; // T x bins
    std::vector<uint64_t> outside;             // per model: values with |τ| > range (not in counts)
};

// A tensor left out of the analysis, and why.
struct SkippedTensor {
    std::string name;
    std::string reason;
};

// Everything the analysis computes, for a base checkpoint and T fine-tuned checkpoints.
struct AnalysisReport {
    std::vector<std::string> models;     // display names, size T
    std::string basePath;                // as given
    std::vector<std::string> modelPaths; // as given, size T
    double density = 0.2;                // top-magnitude share kept when trimming (TIES k)
    TaskVectorStats global;              // over all analysed tensors
    std::vector<LayerReport> layers;     // ascending layer index; -1 (no layer) first when present
    std::vector<TensorReport> tensors;   // in the base checkpoint's order
    HistogramReport histograms;
    std::vector<SkippedTensor> skipped;

    int modelCount() const { return static_cast<int>(models.size()); }
};

} // namespace mergelab
