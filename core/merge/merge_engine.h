// The merge engine: validates a recipe against its inputs (MergePlan), merges one tensor at a time,
// and merges into memory for evaluation and previews. Streaming to disk is MergeJob (merge_job.h).
#pragma once

#include "io/checkpoint.h"
#include "merge/merge_method.h"
#include "merge/recipe.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mergelab {

class Progress;
class CancelToken;

// Opened inputs of a recipe, in recipe order. base may be null for methods that need none.
struct MergeSources {
    std::shared_ptr<const Checkpoint> base;
    std::vector<std::shared_ptr<const Checkpoint>> models;
};

// Opens recipe.base and every recipe.models[i].path (IoError/FormatError naming the file).
MergeSources openSources(const Recipe& recipe);

// Selects tensors by name (empty function: all).
using TensorFilter = std::function<bool(const std::string& name)>;

// How a merge runs, beyond what the recipe says.
struct MergeOptions {
    bool allowMissing = false;       // a model lacking a tensor contributes the base's
    bool strict = false;             // NaN/Inf in an input is an error instead of a warning
    uint64_t maxMemory = 2ull << 30; // budget for the tensors being merged at once (bytes)
    int threads = 2;                 // tensors merged in parallel (within maxMemory)
    TensorFilter filter;             // only these tensors (default: all)
    bool force = false;              // replace an existing output that MergeLab did not write
};

// One output tensor of the plan.
struct PlannedTensor {
    TensorInfo output;         // name, shape, output dtype, output bytes
    std::vector<bool> missing; // per model: absent, the base's tensor stands in (allowMissing)
    bool copy = false;         // not floating point: copied unchanged from the base (or first model)
    double depth = 0;          // relative depth t in [0, 1] used by gradient parameters
    uint64_t workBytes = 0;    // estimated peak memory while this tensor is merged
};

// NaN/Inf counts found in the inputs while merging (thread-safe).
class NonFiniteCounter {
public:
    void add(const std::string& file, const std::string& tensor, int64_t count);
    std::vector<std::string> warnings() const; // "<file>: <tensor>: N NaN/Inf values"
    int64_t total() const;

private:
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
    int64_t m_total = 0;
};

// A validated merge: every check that can fail runs in the constructor, before any tensor is merged
// (unknown method/parameter, model count, parameter ranges per tensor, missing tensors, shape
// mismatches). Throws InputError naming the tensor, model and files.
class MergePlan {
public:
    MergePlan(Recipe recipe, MergeSources sources, MergeOptions options = {});

    const Recipe& recipe() const { return m_recipe; }
    const MergeMethod& method() const { return *m_method; }
    const MergeSources& sources() const { return m_sources; }
    const MergeOptions& options() const { return m_options; }
    const std::vector<PlannedTensor>& tensors() const { return m_tensors; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    uint64_t outputBytes() const;
    // Peak memory of a streaming merge with these options (tensors in flight + runtime), bytes.
    uint64_t peakMemoryEstimate() const;
    // Parameters of one tensor: filters and gradients resolved, defaults filled in, seed set.
    TensorParams paramsFor(const PlannedTensor& tensor) const;
    // The --dry-run text: inputs, tensors, output size, estimated peak memory.
    std::string describe() const;

    // Reads the inputs of one tensor, merges them and returns the float32 result (copied tensors
    // keep their dtype). Counts non-finite input values; throws InputError in strict mode.
    at::Tensor mergeTensor(const PlannedTensor& tensor, NonFiniteCounter& nonFinite) const;

private:
    Recipe m_recipe;
    MergeSources m_sources;
    MergeOptions m_options;
    const MergeMethod* m_method = nullptr;
    std::vector<PlannedTensor> m_tensors;
    std::vector<std::string> m_warnings;
};

// Options of the in-memory merge.
struct InMemoryMergeOptions {
    TensorFilter filter; // only these tensors (default: all)
    bool allowMissing = false;
    bool float32 = true; // false: tensors in the recipe's output dtype
};

// Merges a recipe into memory without writing anything: name -> tensor (CPU, contiguous, owning
// its memory). For the evaluator, the GUI preview and search loops. Progress and cancel optional.
std::map<std::string, at::Tensor> mergeInMemory(const Recipe& recipe, const MergeSources& sources,
                                                const InMemoryMergeOptions& options = {}, Progress* progress = nullptr,
                                                const CancelToken* cancel = nullptr);
// Same, opening the recipe's paths.
std::map<std::string, at::Tensor> mergeInMemory(const Recipe& recipe, const InMemoryMergeOptions& options = {},
                                                Progress* progress = nullptr, const CancelToken* cancel = nullptr);

} // namespace mergelab
