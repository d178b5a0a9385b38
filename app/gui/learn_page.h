#pragma once

#include "project_loader.h"

#include <QWidget>

namespace mergelab::gui {

class GuiJobRunner;

// The "Learn" page (issue 8): merges that learn from data (Fisher, RegMean, AdaMerging, WEMoE) as
// jobs, with live loss / validation accuracy charts and the WEMoE routing heatmap.
class LearnPage : public QWidget {
    Q_OBJECT
public:
    explicit LearnPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);

private:
    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
};

} // namespace mergelab::gui
