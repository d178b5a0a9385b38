#include "tune_per_task_model.h"

#include <QBrush>
#include <QColor>

namespace mergelab::gui {

namespace {
const QColor kInvalid(0xff, 0xd6, 0xd6);
}

TunePerTaskModel::TunePerTaskModel(QObject* parent) : QAbstractTableModel(parent) {}

void TunePerTaskModel::setMethod(const MergeMethod* method, const QStringList& modelNames)
{
    beginResetModel();
    m_params.clear();
    if (method)
        for (const ParamDef& def : method->params())
            if (def.perModel && def.name != "weight")
                m_params.push_back(def);
    m_modelNames = modelNames;
    m_invalid.clear();
    endResetModel();
}

void TunePerTaskModel::setValues(const std::vector<std::map<std::string, double>>& perModel)
{
    m_values = perModel;
    m_invalid.clear();
    if (rowCount() > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

std::string TunePerTaskModel::param(int column) const
{
    return column >= 0 && column < columnCount() ? m_params[static_cast<std::size_t>(column)].name : std::string();
}

int TunePerTaskModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_modelNames.size());
}

int TunePerTaskModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_params.size());
}

QVariant TunePerTaskModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const ParamDef& def = m_params[static_cast<std::size_t>(index.column())];
    const auto mark = m_invalid.find({index.row(), index.column()});
    const bool marked = mark != m_invalid.end();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: {
        if (marked)
            return mark->text;
        if (index.row() >= static_cast<int>(m_values.size()))
            return QString();
        const auto& values = m_values[static_cast<std::size_t>(index.row())];
        const auto value = values.find(def.name);
        return value != values.end() ? formatParam(def, value->second) : QString();
    }
    case Qt::ToolTipRole:
        return marked ? mark->problem : QString::fromStdString(def.help);
    case Qt::BackgroundRole:
        return marked ? QVariant(QBrush(kInvalid)) : QVariant();
    default:
        return {};
    }
}

bool TunePerTaskModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole || index.row() >= rowCount() || index.column() >= columnCount())
        return false;
    const ParamDef& def = m_params[static_cast<std::size_t>(index.column())];
    QString problem;
    const std::optional<double> parsed = parseParam(def, value.toString(), &problem);
    const QPair<int, int> cell{index.row(), index.column()};
    if (!parsed) {
        m_invalid.insert(cell, {value.toString(), problem});
        Q_EMIT dataChanged(index, index);
        Q_EMIT marked(problem);
        return true; // kept as typed, marked, never sent
    }
    const std::string name = def.name; // the receiver may give this model another method
    if (m_invalid.remove(cell) > 0) {
        Q_EMIT dataChanged(index, index);
        Q_EMIT marked({});
    }
    Q_EMIT valueEdited(index.row(), name, *parsed);
    return true;
}

Qt::ItemFlags TunePerTaskModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid())
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant TunePerTaskModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return section >= 0 && section < columnCount()
                   ? QString::fromStdString(m_params[static_cast<std::size_t>(section)].name)
                   : QVariant();
    return section >= 0 && section < rowCount() ? m_modelNames.at(section) : QVariant();
}

} // namespace mergelab::gui
