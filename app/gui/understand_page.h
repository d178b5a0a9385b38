#pragma once

#include "analysis_work.h"
#include "project_loader.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace mergelab::widgets {
class HeatmapWidget;
class LineChartView;
} // namespace mergelab::widgets

namespace mergelab::gui {

// The "Understand" page: runs the core's task-vector analysis as a job and shows the cosine
// heatmap (global or one layer), norms and sign-conflict rates per layer, and value distributions.
class UnderstandPage : public QWidget {
    Q_OBJECT
public:
    explicit UnderstandPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened or its members changed: analyses it when the base and every member open.
    void setProject(const ProjectSummary& project);
    // Starts (or restarts, superseding a running one) the analysis of a model set.
    void analyze(const ModelSet& set);
    // Shows a report (normally called with the analysis job's result).
    void setReport(const AnalysisReport& report);
    const AnalysisReport& report() const { return m_report; }
    // Shows the cosine matrix of one layer index, or the global one for std::nullopt-like -2.
    static constexpr int kGlobal = -2;
    bool selectLayer(int layer);
    int selectedLayer() const { return m_selectedLayer; }

    widgets::HeatmapWidget* heatmap() const { return m_heatmap; }

Q_SIGNALS:
    void analysisFinished();

private:
    void showLayer(int listRow);
    void updateCharts();

    GuiJobRunner* m_jobs;
    ModelSet m_set;
    AnalysisReport m_report;
    int m_selectedLayer = kGlobal;
    QPushButton* m_analyze = nullptr;
    QLabel* m_status = nullptr;
    QListWidget* m_layers = nullptr;
    widgets::HeatmapWidget* m_heatmap = nullptr;
    widgets::LineChartView* m_norms = nullptr;
    widgets::LineChartView* m_conflicts = nullptr;
    widgets::LineChartView* m_distribution = nullptr;
};

} // namespace mergelab::gui
