#include "tensor_tree_model.h"

#include "format_utils.h"

#include <QFont>

namespace mergelab::widgets {

TensorTreeModel::TensorTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void TensorTreeModel::setTree(std::shared_ptr<const TensorTree> tree)
{
    beginResetModel();
    m_tree = std::move(tree);
    endResetModel();
}

int64_t TensorTreeModel::totalParameters() const
{
    return m_tree ? m_tree->root().parameters : 0;
}
uint64_t TensorTreeModel::totalBytes() const
{
    return m_tree ? m_tree->root().bytes : 0;
}
int TensorTreeModel::tensorCount() const
{
    return m_tree ? m_tree->root().tensorCount : 0;
}

const TensorTreeNode* TensorTreeModel::node(const QModelIndex& index) const
{
    if (!m_tree)
        return nullptr;
    if (!index.isValid())
        return &m_tree->root();
    return static_cast<const TensorTreeNode*>(index.internalPointer());
}

const TensorInfo* TensorTreeModel::tensorAt(const QModelIndex& index) const
{
    const TensorTreeNode* n = index.isValid() ? node(index) : nullptr;
    if (!n || n->isGroup())
        return nullptr;
    return &m_tree->tensors()[static_cast<std::size_t>(n->tensorIndex)];
}

QModelIndex TensorTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    const TensorTreeNode* p = node(parent);
    if (!p || row < 0 || column < 0 || column >= ColumnCount || row >= static_cast<int>(p->children.size()))
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    // The tree is immutable; the const_cast only satisfies internalPointer's void*.
    return createIndex(row, column, const_cast<TensorTreeNode*>(p->children[static_cast<std::size_t>(row)].get()));
}

QModelIndex TensorTreeModel::parent(const QModelIndex& child) const
{
    const TensorTreeNode* n = child.isValid() ? node(child) : nullptr;
    if (!n || !n->parent || n->parent == &m_tree->root())
        return {};
    return createIndex(n->parent->row, 0, const_cast<TensorTreeNode*>(n->parent));
}

int TensorTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const TensorTreeNode* p = node(parent);
    return p ? static_cast<int>(p->children.size()) : 0;
}

int TensorTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant TensorTreeModel::data(const QModelIndex& index, int role) const
{
    const TensorTreeNode* n = index.isValid() ? node(index) : nullptr;
    if (!n)
        return {};
    const TensorInfo* info = n->isGroup() ? nullptr : &m_tree->tensors()[static_cast<std::size_t>(n->tensorIndex)];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return n->name;
        case DTypeColumn:
            return n->dtypeText;
        case ShapeColumn:
            return info ? QString::fromStdString(info->shapeString())
                        : (n->tensorCount == 1 ? tr("1 tensor") : tr("%1 tensors").arg(n->tensorCount));
        case ParametersColumn:
            return groupedCount(n->parameters);
        case SizeColumn:
            return humanBytes(n->bytes);
        }
        break;
    case SortRole:
        switch (column) {
        case NameColumn:
            return n->name;
        case DTypeColumn:
            return n->dtypeText;
        case ShapeColumn:
            return info ? QVariant(static_cast<qlonglong>(info->shape.size())) : QVariant(n->tensorCount);
        case ParametersColumn:
            return static_cast<qlonglong>(n->parameters);
        case SizeColumn:
            return static_cast<qulonglong>(n->bytes);
        }
        break;
    case Qt::ToolTipRole:
        if (column == NameColumn)
            return n->path;
        if (column == ParametersColumn)
            return humanCount(n->parameters);
        if (column == SizeColumn)
            return tr("%1 bytes").arg(groupedCount(static_cast<int64_t>(n->bytes)));
        break;
    case Qt::TextAlignmentRole:
        if (column == ParametersColumn || column == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::FontRole:
        if (column == DTypeColumn || column == ShapeColumn) {
            if (!info)
                return {};
            QFont mono(QStringLiteral("monospace"));
            mono.setStyleHint(QFont::TypeWriter);
            return mono;
        }
        break;
    case FullNameRole:
        return n->path;
    case IsGroupRole:
        return n->isGroup();
    default:
        break;
    }
    return {};
}

QVariant TensorTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Name");
        case DTypeColumn:
            return tr("DType");
        case ShapeColumn:
            return tr("Shape");
        case ParametersColumn:
            return tr("Parameters");
        case SizeColumn:
            return tr("Size");
        }
    }
    if (role == Qt::TextAlignmentRole && (section == ParametersColumn || section == SizeColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

Qt::ItemFlags TensorTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!node(index)->isGroup())
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace mergelab::widgets
