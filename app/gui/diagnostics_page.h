#pragma once

#include "diagnostics_work.h"
#include "gui_job_runner.h"
#include "project_loader.h"

#include <QWidget>

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace mergelab::widgets {
class HeatmapWidget;
}

namespace mergelab::gui {

// The "Diagnostics" page (issue 9): will these fine-tunes merge well? Sharpness per fine-tune (bar
// chart), the weight-disentanglement error matrix (heatmap, pairs and all tasks together) and the
// loss or accuracy surface over two task coefficients (heatmap). Each is a cancellable job,
// started when a project opens and again on request.
class DiagnosticsPage : public QWidget {
    Q_OBJECT
public:
    explicit DiagnosticsPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);
    // The project the page shows (the last one given to setProject()).
    const ProjectSummary& project() const { return m_project; }
    // Starts (superseding) the sharpness + disentanglement job / the surface job.
    void computeDiagnostics();
    void computeSurface();
    // Shows results (normally the jobs' results).
    void setDiagnostics(const DiagnosticsReport& report);
    void setSurface(const DiagnosticsReport& report);

    const DiagnosticsReport& diagnostics() const { return m_diagnostics; }
    widgets::HeatmapWidget* disentanglementHeatmap() const { return m_disentanglement; }
    widgets::HeatmapWidget* surfaceHeatmap() const { return m_surface; }
    QChartView* sharpnessChart() const { return m_sharpness; }
    // The id of the last diagnostics job started (the Jobs dock's, for tests).
    quint64 diagnosticsJob() const { return m_diagnosticsJob; }

Q_SIGNALS:
    void diagnosticsFinished();
    void surfaceFinished();

private:
    void showSurface();
    // A diagnostics (or, with surface, a surface) job ended.
    void onJobEnded(bool surface, const JobOutcome<DiagnosticsReport>& outcome);

    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
    DiagnosticsReport m_diagnostics, m_surfaceReport;
    quint64 m_diagnosticsJob = 0;
    QDoubleSpinBox* m_rho = nullptr;
    QDoubleSpinBox* m_alpha = nullptr;
    QSpinBox* m_limit = nullptr;
    QPushButton* m_compute = nullptr;
    QLabel* m_status = nullptr;
    QChartView* m_sharpness = nullptr;
    widgets::HeatmapWidget* m_disentanglement = nullptr;
    QComboBox* m_taskA = nullptr;
    QComboBox* m_taskB = nullptr;
    QComboBox* m_metric = nullptr;
    QDoubleSpinBox* m_step = nullptr;
    QPushButton* m_computeSurface = nullptr;
    QLabel* m_surfaceStatus = nullptr;
    widgets::HeatmapWidget* m_surface = nullptr;
};

} // namespace mergelab::gui
