#pragma once

#include "gui_job_runner.h"
#include "learn_work.h"
#include "project_loader.h"

#include <QList>
#include <QPointF>
#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace mergelab::widgets {
class HeatmapWidget;
class LineChartView;
} // namespace mergelab::widgets

namespace mergelab::gui {

// The "Learn" page (issue 8): merges that learn from data (Fisher, RegMean, AdaMerging task-/layer-
// wise, WEMoE) run as jobs on the project's datasets, with live charts of the loss per step and of
// validation accuracy per task, the WEMoE routing heatmap (input task x task vector, per block),
// and export of the result.
class LearnPage : public QWidget {
    Q_OBJECT
public:
    explicit LearnPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);
    // The project the page shows (the last one given to setProject()).
    const ProjectSummary& project() const { return m_project; }

    // The form's current settings / set them (tests, restoring a session).
    LearnSettings settings() const;
    void setSettings(const LearnSettings& settings);
    // Starts the chosen method (as the Run button does); false when no project is usable.
    bool run();
    // Writes the last result to `path` as a job (as the Export button does after its dialog).
    void exportTo(const QString& path);

    // For tests and screenshots: what the charts hold.
    int lossPointCount() const { return static_cast<int>(m_loss.size()); }
    int validationPointCount() const;
    const widgets::HeatmapWidget* routingHeatmap() const { return m_routing; }
    bool hasResult() const { return m_outcome != nullptr; }

Q_SIGNALS:
    // A run ended (any status) / an export was written.
    void runEnded(bool ok);
    void exported(const QString& path);

private:
    void onMethodChanged();
    void onStep(quint64 generation, const LearnStep& step);
    void onRunEnded(const JobOutcome<std::shared_ptr<LearnOutcome>>& outcome);
    void redrawCharts();
    void redrawRouting();
    void chooseExportPath();
    void setRunning(bool running);

    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
    quint64 m_generation = 0;
    std::shared_ptr<const LearnOutcome> m_outcome;
    QString m_editorsMethod; // the method whose defaults the editors hold

    QComboBox* m_method;
    QSpinBox* m_samples;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_learningRate;
    QSpinBox* m_batch;
    QSpinBox* m_seed;
    QDoubleSpinBox* m_alpha;
    QDoubleSpinBox* m_lambda;
    QSpinBox* m_validateEvery;
    QSpinBox* m_validationSamples;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_export;
    QLabel* m_status;
    widgets::LineChartView* m_lossChart;
    widgets::LineChartView* m_validationChart;
    widgets::HeatmapWidget* m_routing;
    QComboBox* m_routingLayer;

    QList<QPointF> m_loss;
    std::vector<QList<QPointF>> m_validation; // per task
    std::vector<std::vector<double>> m_lastRouting;
    int m_routingLayers = 0;
    QStringList m_taskNames;
};

} // namespace mergelab::gui
