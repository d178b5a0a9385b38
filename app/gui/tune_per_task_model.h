#pragma once

#include "tune_state.h"

#include <QAbstractTableModel>
#include <QMap>
#include <QStringList>

#include <map>
#include <string>
#include <vector>

namespace mergelab::gui {

// The Tune page's per-task parameters as a table: one row per fine-tune, one column per per-task
// parameter of the method other than the coefficient "weight" (density, ...). Text that does not
// parse or is out of range stays in its cell, marked (background, tooltip saying why), and is never
// sent; a valid edit is sent as valueEdited() and comes back through setValues().
class TunePerTaskModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit TunePerTaskModel(QObject* parent = nullptr);

    // Columns for `method` (nullptr: none), rows for `modelNames`.
    void setMethod(const MergeMethod* method, const QStringList& modelNames);
    // The values shown (the state's perModel); clears every mark.
    void setValues(const std::vector<std::map<std::string, double>>& perModel);
    // True while a cell holds a marked value.
    bool hasInvalid() const { return !m_invalid.isEmpty(); }
    // The parameter a column edits.
    std::string param(int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A valid value typed into a cell (not yet part of the values shown).
    void valueEdited(int row, const std::string& param, double value);
    // A cell was marked invalid (`problem` says why) or cleared (empty).
    void marked(const QString& problem);

private:
    struct Mark {
        QString text;
        QString problem;
    };
    std::vector<ParamDef> m_params;
    QStringList m_modelNames;
    std::vector<std::map<std::string, double>> m_values;
    QMap<QPair<int, int>, Mark> m_invalid; // (row, column) -> what was typed and why it is not sent
};

} // namespace mergelab::gui
