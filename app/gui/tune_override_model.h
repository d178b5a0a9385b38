#pragma once

#include "tune_state.h"

#include <QAbstractTableModel>
#include <QSet>

#include <functional>
#include <vector>

namespace mergelab::gui {

// The Tune page's per-layer / per-pattern overrides as a table: tensor filter, parameter, value, one
// row per override (the first matching row wins). Rows are edited as text; a row that is not a valid
// override is marked on its filter cell (background, tooltip saying why), and the rows are sent as
// overridesEdited() only when every row is valid. setOverrides() shows the state's rows again.
class TuneOverrideModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FilterColumn, ParamColumn, ValueColumn, ColumnCount };
    // Why an override cannot be merged ("" when it can): the page checks it against its state.
    using Check = std::function<QString(const TuneOverride&)>;

    explicit TuneOverrideModel(Check check, QObject* parent = nullptr);

    // The rows shown (the state's overrides); clears every mark.
    void setOverrides(const std::vector<TuneOverride>& overrides);
    bool hasInvalid() const { return !m_invalid.isEmpty(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // Every row is valid after an edit: these are the overrides now.
    void overridesEdited(const std::vector<mergelab::gui::TuneOverride>& overrides);
    // A row was found invalid (`problem` says why).
    void marked(const QString& problem);

private:
    struct Row {
        QString filter, param, value;
        QString problem; // "" when the row is a valid override
    };

    Check m_check;
    std::vector<Row> m_rows;
    QSet<int> m_invalid; // rows with a problem
};

} // namespace mergelab::gui
