#pragma once

#include "project_loader.h"

#include <QAbstractTableModel>

namespace mergelab::gui {

// The members of a project as a table: role, name (with its colour), format, parameters, dtype, size.
// The base is the row whose role says "base"; makeBase() moves that role to another row. Names are
// editable in place (unique, not empty); every change the user makes emits edited(). The project
// document owns it: these rows are the project's members.
class ModelSetTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        RoleColumn,
        NameColumn,
        FormatColumn,
        ParametersColumn,
        DTypeColumn,
        SizeColumn,
        PathColumn,
        ColumnCount
    };

    explicit ModelSetTableModel(QObject* parent = nullptr);

    void setMembers(std::vector<ProjectMember> members);
    const std::vector<ProjectMember>& members() const { return m_members; }
    const ProjectMember* member(int row) const;
    int baseRow() const;
    // Makes `row` the base and the previous base a fine-tune (keeps the row order).
    bool makeBase(int row);
    // Renames a member; false (nothing changes) when the name is empty or taken by another row.
    bool rename(int row, const QString& name);
    // Sets a fine-tune's colour ("#rrggbb"); false for an invalid colour or row.
    bool setColor(int row, const QString& color);
    // Appends members (new rows); the first becomes the base when there is none yet. Names are made
    // unique ("name 2", ...) and fine-tunes without a colour get one from the palette.
    void addMembers(std::vector<ProjectMember> members);
    // Removes a member; when it was the base, the first remaining row becomes the base.
    bool removeMember(int row);
    // A name not used by any member, derived from `wanted`.
    QString uniqueName(const QString& wanted, int exceptRow = -1) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // A name, colour, base or the member list changed by an edit (not by setMembers()); membersChanged:
    // members were added or removed or the base moved (the task vectors differ), not just a name or colour.
    void edited(bool membersChanged);

private:
    bool nameTaken(const QString& name, int exceptRow) const;
    QString nextColor() const;

    std::vector<ProjectMember> m_members;
};

} // namespace mergelab::gui
