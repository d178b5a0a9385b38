#pragma once

#include "io/tensor_data.h"

#include <QString>

#include <memory>
#include <vector>

namespace mergelab::widgets {

// One node of the dotted-name tree: a group ("encoder.layers", "3", "mlp") or a tensor (leaf).
struct TensorTreeNode {
    QString name;         // this level's label; chains of single groups are joined: "vision_model.encoder"
    QString path;         // full dotted prefix (group) or full tensor name (leaf)
    int tensorIndex = -1; // index into TensorTree::tensors() for a leaf, -1 for a group
    const TensorTreeNode* parent = nullptr;
    int row = 0; // position among the parent's children
    std::vector<std::unique_ptr<TensorTreeNode>> children;
    // Aggregates over every tensor below (the tensor itself for a leaf).
    int64_t parameters = 0;
    uint64_t bytes = 0;
    int tensorCount = 0;
    QString dtypeText; // "F32", or "mixed" when a group holds several dtypes

    bool isGroup() const { return tensorIndex < 0; }
};

// An immutable tree of a checkpoint's tensors grouped by dotted name (layers -> blocks -> tensors).
// Built once (on a worker thread when the checkpoint is large) and shared read-only with models.
class TensorTree {
public:
    // Groups names at '.', orders numeric siblings numerically (layers.2 before layers.10) and keeps
    // the file's order otherwise, and joins chains of groups that have a single child group.
    static std::shared_ptr<const TensorTree> build(std::vector<TensorInfo> tensors);

    const TensorTreeNode& root() const { return m_root; }
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }

private:
    TensorTree() = default;
    std::vector<TensorInfo> m_tensors;
    TensorTreeNode m_root;
};

} // namespace mergelab::widgets
