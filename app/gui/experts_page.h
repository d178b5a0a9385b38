#pragma once

#include "project_loader.h"

#include <QWidget>

namespace mergelab::gui {

class GuiJobRunner;

// The "Experts" page (issue 7): per-layer expert similarity heatmap and dendrogram, K slider,
// merge experts as a job, retained accuracy where the model can be evaluated.
class ExpertsPage : public QWidget {
    Q_OBJECT
public:
    explicit ExpertsPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);

private:
    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
};

} // namespace mergelab::gui
