#include "tune_override_model.h"

#include <QBrush>
#include <QColor>
#include <QCoreApplication>

#include <algorithm>

namespace mergelab::gui {

namespace {
const QColor kInvalid(0xff, 0xd6, 0xd6);
}
// The texts here were the Tune page's and keep its translation context (translations/*.ts).

TuneOverrideModel::TuneOverrideModel(Check check, QObject* parent)
    : QAbstractTableModel(parent), m_check(std::move(check))
{}

void TuneOverrideModel::setOverrides(const std::vector<TuneOverride>& overrides)
{
    std::vector<Row> rows;
    for (const TuneOverride& o : overrides)
        rows.push_back({QString::fromStdString(o.filter), QString::fromStdString(o.param),
                        QString::number(o.value, 'g', 6), QString()});
    // Rows added or removed at the end (the Add button, undo) keep the others, so a view keeps its
    // current row; any other change of the row count starts the table over.
    const int before = rowCount();
    const int after = static_cast<int>(rows.size());
    const int kept = std::min(before, after);
    const bool prefixKept =
        std::equal(rows.begin(), rows.begin() + kept, m_rows.begin(), [](const Row& a, const Row& b) {
            return a.filter == b.filter && a.param == b.param && a.value == b.value;
        });
    if (before != after && !prefixKept) {
        beginResetModel();
        m_rows = std::move(rows);
        m_invalid.clear();
        endResetModel();
        return;
    }
    if (after > before)
        beginInsertRows({}, before, after - 1);
    else if (after < before)
        beginRemoveRows({}, after, before - 1);
    m_rows = std::move(rows);
    m_invalid.clear();
    if (after > before)
        endInsertRows();
    else if (after < before)
        endRemoveRows();
    if (after > 0)
        Q_EMIT dataChanged(index(0, 0), index(after - 1, ColumnCount - 1));
}

int TuneOverrideModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TuneOverrideModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TuneOverrideModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    // The filter cell carries the row's mark.
    const bool marked = index.column() == FilterColumn && !row.problem.isEmpty();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return index.column() == FilterColumn ? row.filter : index.column() == ParamColumn ? row.param : row.value;
    case Qt::ToolTipRole:
        return marked ? row.problem : QString();
    case Qt::BackgroundRole:
        return marked ? QVariant(QBrush(kInvalid)) : QVariant();
    default:
        return {};
    }
}

bool TuneOverrideModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole || index.row() >= rowCount() || index.column() >= ColumnCount)
        return false;
    Row& edited = m_rows[static_cast<std::size_t>(index.row())];
    (index.column() == FilterColumn  ? edited.filter
     : index.column() == ParamColumn ? edited.param
                                     : edited.value) = value.toString();
    // Every row is checked again: the overrides go out together or not at all.
    std::vector<TuneOverride> overrides;
    QString firstProblem;
    m_invalid.clear();
    for (int r = 0; r < rowCount(); ++r) {
        Row& row = m_rows[static_cast<std::size_t>(r)];
        TuneOverride o{row.filter.toStdString(), row.param.trimmed().toStdString(), 0};
        bool ok = false;
        o.value = row.value.toDouble(&ok);
        row.problem =
            ok ? m_check(o)
               : QCoreApplication::translate("mergelab::gui::TunePage", "override value \"%1\" is not a number")
                     .arg(row.value);
        if (!row.problem.isEmpty()) {
            m_invalid.insert(r);
            if (firstProblem.isEmpty())
                firstProblem = row.problem;
        }
        overrides.push_back(o);
    }
    Q_EMIT dataChanged(this->index(0, 0), this->index(rowCount() - 1, ColumnCount - 1));
    if (!firstProblem.isEmpty())
        Q_EMIT marked(firstProblem);
    else
        Q_EMIT overridesEdited(overrides);
    return true;
}

Qt::ItemFlags TuneOverrideModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid())
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant TuneOverrideModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FilterColumn:
        return QCoreApplication::translate("mergelab::gui::TunePage", "Tensor filter");
    case ParamColumn:
        return QCoreApplication::translate("mergelab::gui::TunePage", "Parameter");
    case ValueColumn:
        return QCoreApplication::translate("mergelab::gui::TunePage", "Value");
    }
    return {};
}

} // namespace mergelab::gui
