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

// The "Models" page: the project's base and fine-tunes with their facts, buttons to choose the
// base, add and remove checkpoints and pick a colour, names editable in the table, and the tensor
// tree of the selected member. Adding files is the window's job (it opens them on a worker).
class ModelSetPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelSetPage(QWidget* parent = nullptr);

    void setProject(const ProjectSummary& project);
    const ProjectSummary& project() const { return m_project; }
    ModelSetTableModel* model() const { return m_model; }
    widgets::TensorTreeModel* treeModel() const { return m_treeModel; }
    QTableView* table() const { return m_table; }
    // Selects a member row (shows its tensor tree).
    void selectRow(int row);
    // The project with the edits made on this page: base chosen here, names, colours, members added
    // or removed (tasks and architecture kept; a model keeps its task by path).
    ModelSet currentSet() const;
    // currentSet() with the members as shown (base first is not required).
    ProjectSummary currentProject() const;
    // Appends opened checkpoints to the project (the first becomes the base when there is none).
    void addMembers(std::vector<ProjectMember> members);
    // The project was written to `path` as `set` (its name may have been filled in).
    void projectSaved(const QString& path, const ModelSet& set);
    // Asks for a colour for `row` (QColorDialog) and applies it.
    void chooseColor(int row);

Q_SIGNALS:
    // The user chose another base: analyses of the old base are out of date.
    void baseChanged();
    // Members were added or removed: analyses are out of date.
    void membersChanged();
    // Anything the user changed (name, colour, base, members): the project needs saving.
    void edited();
    // The "Add Checkpoints…" / "Add Folder…" buttons.
    void addCheckpointsRequested();
    void addFolderRequested();

private:
    void showMember(int row);
    void makeSelectedBase();
    void removeSelected();
    void onDoubleClicked(const QModelIndex& index);

    ProjectSummary m_project;
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
