#include "project_document.h"

#include "model_set_table_model.h"

#include <QFileInfo>

#include <algorithm>
#include <map>

namespace mergelab::gui {

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent), m_members(new ModelSetTableModel(this))
{
    connect(m_members, &ModelSetTableModel::edited, this, [this](bool membersChanged) {
        setModified(true);
        Q_EMIT changed(membersChanged ? Change::Members : Change::Details);
    });
}

ModelSet ProjectDocument::set() const
{
    ModelSet set = m_project.set;
    // Tasks follow their checkpoint by path, so renames and base swaps keep them.
    std::map<std::string, std::string> taskOfPath;
    for (const ModelEntry& e : m_project.set.models)
        taskOfPath[e.path] = e.task;
    set.base = BaseEntry{};
    set.models.clear();
    for (const ProjectMember& m : m_members->members()) {
        if (m.isBase) {
            set.base.name = m.name.toStdString();
            set.base.path = m.path.toStdString();
            continue;
        }
        ModelEntry entry;
        entry.name = m.name.toStdString();
        entry.path = m.path.toStdString();
        entry.color = m.color.isEmpty() ? std::string("#808080") : m.color.toStdString();
        if (auto it = taskOfPath.find(entry.path); it != taskOfPath.end())
            entry.task = it->second;
        set.models.push_back(entry);
    }
    return set;
}

ProjectSummary ProjectDocument::project() const
{
    ProjectSummary project;
    project.path = m_project.path;
    project.set = set();
    project.members = m_members->members();
    return project;
}

bool ProjectDocument::canSave() const
{
    return std::any_of(m_members->members().begin(), m_members->members().end(),
                       [](const ProjectMember& m) { return m.isBase && !m.path.isEmpty(); });
}

void ProjectDocument::open(const ProjectSummary& project)
{
    m_project = project;
    if (!m_project.path.isEmpty())
        m_project.path = QFileInfo(m_project.path).absoluteFilePath();
    m_open = true;
    m_members->setMembers(project.members);
    setModified(false);
    Q_EMIT changed(Change::Opened);
}

void ProjectDocument::addMembers(std::vector<ProjectMember> members)
{
    m_members->addMembers(std::move(members)); // its edited() marks the document and says Members
}

bool ProjectDocument::saveAs(const QString& path, QString* error)
{
    ModelSet edited = set();
    if (edited.base.path.empty()) {
        *error = tr("%1: the project has no base checkpoint.").arg(QFileInfo(path).fileName());
        return false;
    }
    if (edited.name.empty()) {
        QString name = QFileInfo(path).fileName();
        name.chop(static_cast<int>(qstrlen(".mergelab.json")));
        edited.name = (name.isEmpty() ? QFileInfo(path).completeBaseName() : name).toStdString();
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // A small JSON file: written on the GUI thread; the core's errors become the message.
    const JobResult result = runGuarded([&] { edited.save(absolute.toStdString()); });
    if (result.status != Status::Ok) {
        *error = QString::fromStdString(result.message);
        return false;
    }
    m_project.path = absolute;
    m_project.set = edited;
    setModified(false);
    Q_EMIT saved(absolute);
    return true;
}

void ProjectDocument::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

} // namespace mergelab::gui
