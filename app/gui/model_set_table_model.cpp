#include "model_set_table_model.h"

#include "format_utils.h"

#include <QColor>
#include <QDir>
#include <QFont>

#include <algorithm>

namespace mergelab::gui {

ModelSetTableModel::ModelSetTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ModelSetTableModel::setMembers(std::vector<ProjectMember> members)
{
    beginResetModel();
    m_members = std::move(members);
    endResetModel();
}

const ProjectMember* ModelSetTableModel::member(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_members[static_cast<std::size_t>(row)];
}

int ModelSetTableModel::baseRow() const
{
    for (std::size_t i = 0; i < m_members.size(); ++i)
        if (m_members[i].isBase)
            return static_cast<int>(i);
    return -1;
}

bool ModelSetTableModel::makeBase(int row)
{
    if (!member(row) || row == baseRow())
        return false;
    const int previous = baseRow();
    if (previous >= 0) {
        ProjectMember& old = m_members[static_cast<std::size_t>(previous)];
        old.isBase = false;
        if (old.color.isEmpty())
            old.color = nextColor();
    }
    m_members[static_cast<std::size_t>(row)].isBase = true;
    for (int r : {previous, row})
        if (r >= 0)
            Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
    Q_EMIT edited(true);
    return true;
}

bool ModelSetTableModel::nameTaken(const QString& name, int exceptRow) const
{
    for (std::size_t i = 0; i < m_members.size(); ++i)
        if (static_cast<int>(i) != exceptRow && m_members[i].name == name)
            return true;
    return false;
}

QString ModelSetTableModel::uniqueName(const QString& wanted, int exceptRow) const
{
    const QString stem = wanted.trimmed().isEmpty() ? tr("model") : wanted.trimmed();
    QString name = stem;
    for (int n = 2; nameTaken(name, exceptRow); ++n)
        name = QStringLiteral("%1 %2").arg(stem).arg(n);
    return name;
}

QString ModelSetTableModel::nextColor() const
{
    // The tab10 palette the zoo uses; the first colour no member has yet.
    static const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    for (const char* c : kPalette) {
        const QString color = QLatin1String(c);
        if (std::none_of(m_members.begin(), m_members.end(), [&](const ProjectMember& m) { return m.color == color; }))
            return color;
    }
    return QLatin1String(kPalette[m_members.size() % 10]);
}

bool ModelSetTableModel::rename(int row, const QString& name)
{
    const QString trimmed = name.trimmed();
    if (!member(row) || trimmed.isEmpty() || nameTaken(trimmed, row))
        return false;
    ProjectMember& m = m_members[static_cast<std::size_t>(row)];
    if (m.name == trimmed)
        return true;
    m.name = trimmed;
    Q_EMIT dataChanged(index(row, NameColumn), index(row, NameColumn));
    Q_EMIT edited(false);
    return true;
}

bool ModelSetTableModel::setColor(int row, const QString& color)
{
    const QColor parsed(color);
    if (!member(row) || !parsed.isValid())
        return false;
    ProjectMember& m = m_members[static_cast<std::size_t>(row)];
    const QString name = parsed.name(QColor::HexRgb);
    if (m.color == name)
        return true;
    m.color = name;
    Q_EMIT dataChanged(index(row, NameColumn), index(row, NameColumn));
    Q_EMIT edited(false);
    return true;
}

void ModelSetTableModel::addMembers(std::vector<ProjectMember> members)
{
    if (members.empty())
        return;
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(members.size()) - 1);
    for (ProjectMember& m : members) {
        m.name = uniqueName(m.name);
        m.isBase = baseRow() < 0 && m.error.isEmpty();
        if (!m.isBase && m.color.isEmpty())
            m.color = nextColor();
        m_members.push_back(std::move(m));
    }
    endInsertRows();
    Q_EMIT edited(true);
}

bool ModelSetTableModel::removeMember(int row)
{
    if (!member(row))
        return false;
    const bool wasBase = m_members[static_cast<std::size_t>(row)].isBase;
    beginRemoveRows({}, row, row);
    m_members.erase(m_members.begin() + row);
    endRemoveRows();
    if (wasBase && !m_members.empty()) {
        m_members.front().isBase = true;
        Q_EMIT dataChanged(index(0, 0), index(0, ColumnCount - 1));
    }
    Q_EMIT edited(true);
    return true;
}

bool ModelSetTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.column() != NameColumn || role != Qt::EditRole)
        return false;
    return rename(index.row(), value.toString());
}

Qt::ItemFlags ModelSetTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == NameColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

int ModelSetTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_members.size());
}

int ModelSetTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelSetTableModel::data(const QModelIndex& index, int role) const
{
    const ProjectMember* m = index.isValid() ? member(index.row()) : nullptr;
    if (!m || index.column() >= ColumnCount)
        return {};
    const bool ok = m->error.isEmpty() && m->summary.tree;
    const widgets::TensorTreeNode* root = ok ? &m->summary.tree->root() : nullptr;
    if (role == Qt::EditRole && index.column() == NameColumn)
        return m->name;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case RoleColumn:
            return m->isBase ? tr("base") : tr("fine-tune");
        case NameColumn:
            return m->name;
        case FormatColumn:
            return ok ? m->summary.format : tr("error");
        case ParametersColumn:
            return ok ? widgets::humanCount(root->parameters) : QString();
        case DTypeColumn:
            return ok ? dominantDType(m->summary.tree->tensors()) : QString();
        case SizeColumn:
            return ok ? widgets::humanBytes(root->bytes) : QString();
        case PathColumn:
            return ok ? QDir::toNativeSeparators(m->path) : m->error;
        }
    }
    if (role == Qt::DecorationRole && index.column() == NameColumn && !m->color.isEmpty()) {
        const QColor color(m->color);
        if (color.isValid())
            return color;
    }
    if (role == Qt::ToolTipRole) {
        if (!ok)
            return m->error;
        if (index.column() == ParametersColumn)
            return widgets::groupedCount(root->parameters);
        if (index.column() == PathColumn)
            return QDir::toNativeSeparators(m->path);
        if (index.column() == NameColumn)
            return tr("Double-click the name to rename; double-click the colour swatch to change the colour.");
    }
    if (role == Qt::ForegroundRole && !ok)
        return QColor(0xb0, 0x20, 0x20);
    if (role == Qt::FontRole && m->isBase) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == ParametersColumn || index.column() == SizeColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ModelSetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RoleColumn:
        return tr("Role");
    case NameColumn:
        return tr("Name");
    case FormatColumn:
        return tr("Format");
    case ParametersColumn:
        return tr("Parameters");
    case DTypeColumn:
        return tr("DType");
    case SizeColumn:
        return tr("Size");
    case PathColumn:
        return tr("Path");
    }
    return {};
}

} // namespace mergelab::gui
