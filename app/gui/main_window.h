#pragma once

#include <QMainWindow>
#include <QPointer>

class QMenu;
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
class ExportDialog;
class ProjectDocument;
struct CheckpointSummary;
struct OpenedMembers;

// The workbench window: owns the job runner, the project document, the pages (one class each, each
// observing the document) and the docks, and turns menu actions, drops and command-line paths into
// jobs. Holds no computation itself. Shows the project's state: modified flag ("*" in the title),
// recent list.
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
    // The name of the page shown.
    QString currentPageName() const;

    // File > New Project: an empty project in memory (asks to save a modified one first).
    void newProject();
    // Adds checkpoint files or folders to the project (a new one when none is open), on a worker.
    void addCheckpoints(const QStringList& paths);
    // Writes the project to `path` (paths relative to it). False, with a banner, on failure or
    // when there is no base yet.
    bool saveProjectAs(const QString& path);
    // Save to the project's file, or ask for one (Save As) when it has none.
    bool saveProject();
    // The project file ("" when new and unsaved or when no project is open).
    QString projectPath() const;
    bool hasProject() const;
    bool isProjectModified() const;
    // File > Export…: the dialog for the Tune page's current recipe, or a banner saying why not.
    void openExportDialog();
    ExportDialog* exportDialog() const;
    // Asks to save a modified project (Save / Discard / Cancel); true when it is fine to go on.
    bool maybeSave();

    GuiJobRunner* jobs() const { return m_jobs; }
    ProjectDocument* document() const { return m_document; }
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
    // Checkpoints were added to the project (after their indexes were read).
    void membersAdded(int count);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void chooseFile();
    void chooseFolder();
    void chooseProject();
    void chooseSaveAs();
    void chooseCheckpointsToAdd();
    void chooseFolderToAdd();
    void fillRecentMenu();
    void onProjectOpened(const ProjectSummary& project);
    void onMembersOpened(const OpenedMembers& opened);
    void onOpened(const CheckpointSummary& summary);
    void addPage(QWidget* page, const QString& name, const QString& title);
    void updateTitle();

    GuiJobRunner* m_jobs = nullptr;
    ProjectDocument* m_document = nullptr;
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
    QMenu* m_recentMenu = nullptr;
    QPointer<ExportDialog> m_exportDialog;
    QStringList m_pageNames;
};

} // namespace mergelab::gui
