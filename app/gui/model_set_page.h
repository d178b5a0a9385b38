#pragma once

#include "project_loader.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTreeView;

namespace mergelab::widgets {
class TensorTreeModel;
}

namespace mergelab::gui {

class ModelSetTableModel;
class ProjectDocument;

// The "Models" page: the project's base and fine-tunes with their facts, buttons to choose the
// base, add and remove checkpoints and pick a colour, names editable in the table, and the tensor
// tree of the selected member. It edits the project document's members; adding files is the
// window's job (it opens them on a worker).
class ModelSetPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelSetPage(ProjectDocument* document, QWidget* parent = nullptr);

    // The document's members table.
    ModelSetTableModel* model() const { return m_model; }
    widgets::TensorTreeModel* treeModel() const { return m_treeModel; }
    QTableView* table() const { return m_table; }
    // Selects a member row (shows its tensor tree).
    void selectRow(int row);
    // Asks for a colour for `row` (QColorDialog) and applies it.
    void chooseColor(int row);

Q_SIGNALS:
    // The "Add Checkpoints…" / "Add Folder…" buttons.
    void addCheckpointsRequested();
    void addFolderRequested();

private:
    // The title line: the project's name and how many fine-tunes it has.
    void showTitle();
    void showMember(int row);
    void makeSelectedBase();
    void removeSelected();
    void onDoubleClicked(const QModelIndex& index);

    ProjectDocument* m_document;
    QLabel* m_title = nullptr;
    ModelSetTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_makeBase = nullptr;
    QPushButton* m_color = nullptr;
    QPushButton* m_remove = nullptr;
    QLabel* m_treeTitle = nullptr;
    widgets::TensorTreeModel* m_treeModel = nullptr;
    QTreeView* m_tree = nullptr;
};

} // namespace mergelab::gui
