#pragma once

#include <QMainWindow>

class QProgressBar;
class QTabWidget;

namespace mergelab::widgets {
class Banner;
}

namespace mergelab::gui {

class CheckpointPage;
class ModelSetPage;
class UnderstandPage;
class TunePage;
class ExpertsPage;
class LearnPage;
class DiagnosticsPage;
struct ProjectSummary;
class GuiJobRunner;
class JobsDock;
class LogDock;
struct CheckpointSummary;

// The workbench window: owns the job runner, the pages (one class each) and the docks, and turns
// menu actions, drops and command-line paths into jobs. Holds no computation itself.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a checkpoint file or folder on a worker (the Checkpoint page), or a *.mergelab.json
    // project (the Models page).
    void openPath(const QString& path);
    void openProject(const QString& path);
    // Shows a page by its name ("checkpoint", ...). False when there is no such page.
    bool showPage(const QString& name);
    QStringList pageNames() const;

    GuiJobRunner* jobs() const { return m_jobs; }
    widgets::Banner* banner() const { return m_banner; }
    CheckpointPage* checkpointPage() const { return m_checkpointPage; }
    ModelSetPage* modelSetPage() const { return m_modelSetPage; }
    UnderstandPage* understandPage() const { return m_understandPage; }
    TunePage* tunePage() const { return m_tunePage; }
    ExpertsPage* expertsPage() const { return m_expertsPage; }
    LearnPage* learnPage() const { return m_learnPage; }
    DiagnosticsPage* diagnosticsPage() const { return m_diagnosticsPage; }
    LogDock* logDock() const { return m_logDock; }

Q_SIGNALS:
    void checkpointOpened(const QString& path);
    void projectOpened(const QString& path);
    void openFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void chooseFile();
    void chooseFolder();
    void chooseProject();
    void onProjectOpened(const ProjectSummary& project);
    void onOpened(const CheckpointSummary& summary);
    void addPage(QWidget* page, const QString& name, const QString& title);

    GuiJobRunner* m_jobs = nullptr;
    widgets::Banner* m_banner = nullptr;
    QTabWidget* m_tabs = nullptr;
    CheckpointPage* m_checkpointPage = nullptr;
    ModelSetPage* m_modelSetPage = nullptr;
    UnderstandPage* m_understandPage = nullptr;
    TunePage* m_tunePage = nullptr;
    ExpertsPage* m_expertsPage = nullptr;
    LearnPage* m_learnPage = nullptr;
    DiagnosticsPage* m_diagnosticsPage = nullptr;
    JobsDock* m_jobsDock = nullptr;
    LogDock* m_logDock = nullptr;
    QProgressBar* m_statusProgress = nullptr;
    QStringList m_pageNames;
    quint64 m_openJob = 0;
    quint64 m_projectJob = 0;
};

} // namespace mergelab::gui
