// The generalized task arithmetic family (task_arithmetic, ties, dare_*, breadcrumbs*), declared
// for callers that keep task vectors or the merge before lambda (the live tuner).
#pragma once

#include "merge/merge_method.h"

#include <string>
#include <vector>

namespace mergelab {

// θ0 + λ · combine(sparsify(τᵢ) · wᵢ): how each task vector is sparsified, and whether a sign
// consensus masks the weighted deltas. merge() == applyTaskVector(base, mergeTaskVectors(...), λ).
class TaskArithmeticFamily : public MergeMethod {
public:
    enum class Sparsify { None, Magnitude, Random, MagnitudeOutliers };

    TaskArithmeticFamily(std::string name, std::string description, Sparsify sparsify, bool consensus,
                         bool defaultNormalize);

    std::string name() const override { return m_name; }
    std::string description() const override { return m_description; }
    std::vector<ParamDef> params() const override;
    at::Tensor merge(const std::string& tensorName, const at::Tensor& base, const std::vector<at::Tensor>& models,
                     const TensorParams& p) const override;

    // The merged delta before lambda from the task vectors θi − θ0 of one tensor (at least one).
    // overwrite: the task vectors are private copies the method may change; otherwise they are
    // only read (copied where sparsification needs it).
    at::Tensor mergeTaskVectors(const std::string& tensorName, std::vector<at::Tensor> taskVectors,
                                const TensorParams& p, bool overwrite) const;

private:
    std::string m_name;
    std::string m_description;
    Sparsify m_sparsify;
    bool m_consensus;
    bool m_defaultNormalize;
};

} // namespace mergelab
