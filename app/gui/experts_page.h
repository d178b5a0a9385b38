#pragma once

#include "experts_page_work.h"
#include "gui_job_runner.h"
#include "project_loader.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;

namespace mergelab::widgets {
class DendrogramWidget;
class HeatmapWidget;
} // namespace mergelab::widgets

namespace mergelab::gui {

// The "Experts" page (issue 7): open an MoE checkpoint (or use the project's first MoE member),
// choose a layer, see its expert-similarity heatmap beside the merge tree; a K slider colours the
// groups and shows the parameter saving; "Merge to K…" runs the expert merge as a Job and shows the
// accuracy retained for an MoE ViT with the project's tasks, the perplexity for an MoE language model
// (whose similarity then comes from its experts' outputs on the project's val texts).
class ExpertsPage : public QWidget {
    Q_OBJECT
public:
    explicit ExpertsPage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): analyse its first MoE member, if any.
    void setProject(const ProjectSummary& project);
    // The project the page shows (the last one given to setProject()).
    const ProjectSummary& project() const { return m_project; }
    // Analyse this MoE checkpoint (file or folder).
    void openModel(const QString& path);
    // Merge every layer to the slider's K into `output` (a new folder) as a Job.
    void mergeTo(const QString& output);

    // For tests and screenshots.
    const ExpertsAnalysis& analysis() const { return m_analysis; }
    int selectedLayer() const;
    void selectLayer(int layer);
    void setGroupCount(int k);
    widgets::HeatmapWidget* heatmap() const { return m_heatmap; }
    widgets::DendrogramWidget* dendrogram() const { return m_dendrogram; }
    QString statusText() const;
    QString savingText() const;
    QString resultText() const;

Q_SIGNALS:
    void analysisFinished();
    void mergeFinished();

private:
    // fromProject: the project's members are searched; none being MoE is not an error.
    void startAnalysis(const QStringList& candidates, bool fromProject);
    void setAnalysis(const ExpertsAnalysis& analysis);
    void showLayer();
    void updateGroups();
    void chooseOutput();
    void setMergeOutcome(const ExpertsMergeOutcome& outcome);
    void onAnalysisEnded(const JobOutcome<ExpertsAnalysis>& outcome);
    void onMergeEnded(const JobOutcome<ExpertsMergeOutcome>& outcome);

    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
    ExpertsAnalysis m_analysis;

    QLineEdit* m_path = nullptr;
    QPushButton* m_openFile = nullptr;
    QPushButton* m_openFolder = nullptr;
    QComboBox* m_layer = nullptr;
    QLabel* m_status = nullptr;
    widgets::HeatmapWidget* m_heatmap = nullptr;
    widgets::DendrogramWidget* m_dendrogram = nullptr;
    QSlider* m_k = nullptr;
    QLabel* m_kLabel = nullptr;
    QLabel* m_saving = nullptr;
    QPushButton* m_merge = nullptr;
    QLabel* m_result = nullptr;
};

} // namespace mergelab::gui
