#pragma once

#include "project_loader.h"

#include <QWidget>

namespace mergelab::gui {

class GuiJobRunner;

// The "Diagnostics" page (issue 9): sharpness per fine-tune, disentanglement-error heatmap,
// loss/accuracy surfaces over two coefficients.
class DiagnosticsPage : public QWidget {
    Q_OBJECT
public:
    explicit DiagnosticsPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);

private:
    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
};

} // namespace mergelab::gui
