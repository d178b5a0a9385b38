#pragma once

#include "project_loader.h"

#include <QObject>

#include <vector>

namespace mergelab::gui {

class ModelSetTableModel;

// The open project, its one home: file, ModelSet (tasks, architecture, name), members (the editable
// table of base and fine-tunes) and whether it has unsaved edits. The window owns it; pages observe
// changed() and read project() instead of being handed copies.
class ProjectDocument : public QObject {
    Q_OBJECT
public:
    // What changed: another project (Opened), members added or removed or another base (Members: task
    // vectors differ, pages start over), or names and colours (Details: only saving is needed).
    enum class Change { Opened, Members, Details };
    Q_ENUM(Change)

    explicit ProjectDocument(QObject* parent = nullptr);

    bool isOpen() const { return m_open; }
    // The project file ("" when new and unsaved or when none is open).
    QString path() const { return m_project.path; }
    bool isModified() const { return m_modified; }
    // The project as edited: base and models from the members (a model keeps its task by path).
    ModelSet set() const;
    // set() with the members (base first is not required).
    ProjectSummary project() const;
    // The members as an editable table; its edits are this document's edits.
    ModelSetTableModel* members() const { return m_members; }
    // A project is saved only with a base checkpoint.
    bool canSave() const;

    // Another project was opened (an empty summary: a new, unsaved one); not modified.
    void open(const ProjectSummary& project);
    // Appends opened checkpoints (the first becomes the base when there is none).
    void addMembers(std::vector<ProjectMember> members);
    // Writes the project to `path` (paths relative to it) through ModelSet::save, naming an unnamed
    // project after the file. False, with the reason in `error`, when !canSave() or writing fails.
    bool saveAs(const QString& path, QString* error);

Q_SIGNALS:
    void changed(mergelab::gui::ProjectDocument::Change change);
    void modifiedChanged(bool modified);
    // Written to path() (the name may have been filled in).
    void saved(const QString& path);

private:
    void setModified(bool modified);

    ProjectSummary m_project; // path and set as opened or saved; members live in m_members
    ModelSetTableModel* m_members;
    bool m_open = false;
    bool m_modified = false;
};

// Keeps `page` showing the document's project: page->setProject(project()) whenever another project is
// opened or the members change (renames and colours do not restart a page's work).
template <typename Page>
void followProject(ProjectDocument* document, Page* page)
{
    QObject::connect(document, &ProjectDocument::changed, page, [document, page](ProjectDocument::Change change) {
        if (change != ProjectDocument::Change::Details)
            page->setProject(document->project());
    });
}

} // namespace mergelab::gui
