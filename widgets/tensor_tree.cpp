#include "tensor_tree.h"

#include "common/dtype.h"

#include <QHash>
#include <QStringList>

#include <algorithm>

namespace mergelab::widgets {

namespace {

// Mutable node used while building: children looked up by label.
struct BuildNode {
    QString name;
    int tensorIndex = -1;
    std::vector<std::unique_ptr<BuildNode>> children;
    QHash<QString, BuildNode*> groups; // group children by label
};

bool toIndex(const QString& s, qulonglong* value)
{
    bool ok = false;
    *value = s.toULongLong(&ok);
    return ok && !s.isEmpty() && s.at(0).isDigit();
}

// Numeric siblings ("0", "1", "10") are sorted among themselves in the slots they occupy; other
// siblings keep the file's order (the file's order is meaningful: embeddings first, head last).
void orderNumeric(std::vector<std::unique_ptr<BuildNode>>& children)
{
    std::vector<std::size_t> slots;
    std::vector<std::pair<qulonglong, std::unique_ptr<BuildNode>>> numeric;
    for (std::size_t i = 0; i < children.size(); ++i) {
        qulonglong v = 0;
        if (toIndex(children[i]->name, &v)) {
            slots.push_back(i);
            numeric.emplace_back(v, std::move(children[i]));
        }
    }
    std::stable_sort(numeric.begin(), numeric.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < slots.size(); ++k)
        children[slots[k]] = std::move(numeric[k].second);
}

void finish(BuildNode& in, TensorTreeNode& out, const std::vector<TensorInfo>& tensors, const QString& prefix)
{
    out.tensorIndex = in.tensorIndex;
    if (in.tensorIndex >= 0) {
        const TensorInfo& info = tensors[static_cast<std::size_t>(in.tensorIndex)];
        out.path = QString::fromStdString(info.name);
        out.parameters = info.numel();
        out.bytes = info.byteSize;
        out.tensorCount = 1;
        out.dtypeText = QLatin1String(dtypeName(info.dtype));
        return;
    }
    out.path = prefix;
    orderNumeric(in.children);
    bool mixed = false;
    for (auto& child : in.children) {
        // Join a chain of groups with one child group each: "vision_model" > "encoder" > "layers".
        BuildNode* node = child.get();
        QString label = node->name;
        while (node->tensorIndex < 0 && node->children.size() == 1 && node->children.front()->tensorIndex < 0) {
            node = node->children.front().get();
            label += QLatin1Char('.') + node->name;
        }
        auto childOut = std::make_unique<TensorTreeNode>();
        childOut->name = label;
        childOut->parent = &out;
        childOut->row = static_cast<int>(out.children.size());
        finish(*node, *childOut, tensors, prefix.isEmpty() ? label : prefix + QLatin1Char('.') + label);
        out.parameters += childOut->parameters;
        out.bytes += childOut->bytes;
        out.tensorCount += childOut->tensorCount;
        if (out.dtypeText.isEmpty())
            out.dtypeText = childOut->dtypeText;
        else if (out.dtypeText != childOut->dtypeText)
            mixed = true;
        out.children.push_back(std::move(childOut));
    }
    if (mixed)
        out.dtypeText = QStringLiteral("mixed");
}

} // namespace

std::shared_ptr<const TensorTree> TensorTree::build(std::vector<TensorInfo> tensors)
{
    std::shared_ptr<TensorTree> tree(new TensorTree);
    tree->m_tensors = std::move(tensors);
    BuildNode root;
    for (std::size_t i = 0; i < tree->m_tensors.size(); ++i) {
        const QString name = QString::fromStdString(tree->m_tensors[i].name);
        // Empty segments ("a..b", trailing '.') are kept as labels so every tensor stays reachable.
        QStringList parts = name.split(QLatin1Char('.'));
        // Bound the depth (hostile names with thousands of dots): the rest stays in the leaf label.
        constexpr int kMaxDepth = 32;
        if (parts.size() > kMaxDepth) {
            const QString rest = parts.mid(kMaxDepth - 1).join(QLatin1Char('.'));
            parts = parts.mid(0, kMaxDepth - 1);
            parts.append(rest);
        }
        BuildNode* node = &root;
        for (int p = 0; p + 1 < parts.size(); ++p) {
            BuildNode*& group = node->groups[parts[p]];
            if (!group) {
                node->children.push_back(std::make_unique<BuildNode>());
                group = node->children.back().get();
                group->name = parts[p];
            }
            node = group;
        }
        // A leaf never merges with a group of the same label ("a.b" and "a.b.c" both exist).
        auto leaf = std::make_unique<BuildNode>();
        leaf->name = parts.back();
        leaf->tensorIndex = static_cast<int>(i);
        node->children.push_back(std::move(leaf));
    }
    finish(root, tree->m_root, tree->m_tensors, QString());
    return tree;
}

} // namespace mergelab::widgets
