#pragma once

#include "checkpoint_loader.h"

#include "io/model_set.h"

#include <QMetaType>

#include <vector>

namespace mergelab::gui {

// One checkpoint of a project as opened by the loader: its summary, or why it could not be opened.
struct ProjectMember {
    QString name;
    QString color; // "#rrggbb" ("" for the base)
    bool isBase = false;
    QString path;
    CheckpointSummary summary; // summary.tree is null when `error` is set
    QString error;
};

// A loaded project: the validated ModelSet and every member's index (base first, then fine-tunes).
struct ProjectSummary {
    QString path;
    ModelSet set;
    std::vector<ProjectMember> members;
};

// Checkpoints opened to be added to a project (dropped files/folders, "Add Checkpoints…").
struct OpenedMembers {
    std::vector<ProjectMember> members; // in the order given; failed ones carry their error
};

// Opens one checkpoint as a project member (never throws: a failure is kept in member.error).
ProjectMember openProjectMember(const QString& name, const QString& color, bool isBase, const std::string& path);

// The display name a checkpoint gets when added: its file name without extension, or its folder's
// name for a folder or a generic file name inside one ("model.safetensors", "pytorch_model.bin").
QString memberNameFor(const QString& path);

// The job body that opens checkpoints to add to a project (result: OpenedMembers).
GuiJobRunner::Work openMembersWork(const QStringList& paths);

// The job body that loads a *.mergelab.json project and opens the index of every checkpoint in it.
// A member that cannot be opened is reported in its row, not as a failure of the whole project.
GuiJobRunner::Work openProjectWork(const QString& path);

// Most common dtype by bytes ("F32"), "mixed" when no dtype holds 90% of the bytes, "" when empty.
QString dominantDType(const std::vector<TensorInfo>& tensors);

} // namespace mergelab::gui

Q_DECLARE_METATYPE(mergelab::gui::ProjectSummary)
Q_DECLARE_METATYPE(mergelab::gui::OpenedMembers)
