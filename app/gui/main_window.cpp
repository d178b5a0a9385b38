#include "main_window.h"

#include "banner.h"
#include "checkpoint_loader.h"
#include "checkpoint_page.h"
#include "gui_job_runner.h"
#include "jobs_dock.h"
#include "log_dock.h"
#include "model_set_page.h"
#include "preferences_dialog.h"
#include "project_document.h"
#include "project_loader.h"
#include "understand_page.h"
#include "tune_page.h"
#include "experts_page.h"
#include "learn_page.h"
#include "diagnostics_page.h"
#include "export_dialog.h"
#include "project_recent.h"

#include "io/atomic_output.h"

#include <QApplication>
#include <QPointer>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace mergelab::gui {

namespace {
const QString kOpenChannel = QStringLiteral("open-checkpoint");
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("MergeLab"));
    setAcceptDrops(true);
    m_jobs = new GuiJobRunner(this);
    m_document = new ProjectDocument(this);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    m_banner = new widgets::Banner(central);
    m_tabs = new QTabWidget(central);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_checkpointPage = new CheckpointPage(m_tabs);
    addPage(m_checkpointPage, QStringLiteral("checkpoint"), tr("Checkpoint"));
    m_modelSetPage = new ModelSetPage(m_document, m_tabs);
    addPage(m_modelSetPage, QStringLiteral("models"), tr("Models"));
    m_understandPage = new UnderstandPage(m_jobs, m_tabs);
    addPage(m_understandPage, QStringLiteral("understand"), tr("Understand"));
    m_tunePage = new TunePage(m_jobs, m_tabs);
    addPage(m_tunePage, QStringLiteral("tune"), tr("Tune"));
    m_learnPage = new LearnPage(m_jobs, m_tabs);
    addPage(m_learnPage, QStringLiteral("learn"), tr("Learn"));
    m_expertsPage = new ExpertsPage(m_jobs, m_tabs);
    addPage(m_expertsPage, QStringLiteral("experts"), tr("Experts"));
    m_diagnosticsPage = new DiagnosticsPage(m_jobs, m_tabs);
    addPage(m_diagnosticsPage, QStringLiteral("diagnostics"), tr("Diagnostics"));
    // Another project, a new base or other members make every task vector different: the pages
    // observe the document and start over.
    followProject(m_document, m_tunePage);
    followProject(m_document, m_learnPage);
    followProject(m_document, m_expertsPage);
    followProject(m_document, m_diagnosticsPage);
    followProject(m_document, m_understandPage);
    connect(m_document, &ProjectDocument::modifiedChanged, this, &QWidget::setWindowModified);
    connect(m_document, &ProjectDocument::changed, this, &MainWindow::updateTitle);
    connect(m_document, &ProjectDocument::saved, this, &MainWindow::updateTitle);
    connect(m_modelSetPage, &ModelSetPage::addCheckpointsRequested, this, &MainWindow::chooseCheckpointsToAdd);
    connect(m_modelSetPage, &ModelSetPage::addFolderRequested, this, &MainWindow::chooseFolderToAdd);
    connect(m_tunePage, &TunePage::exportRequested, this, &MainWindow::openExportDialog);
    connect(m_checkpointPage, &CheckpointPage::openFileRequested, this, &MainWindow::chooseFile);
    connect(m_checkpointPage, &CheckpointPage::openFolderRequested, this, &MainWindow::chooseFolder);

    m_jobsDock = new JobsDock(m_jobs, this);
    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    tabifyDockWidget(m_jobsDock, m_logDock);
    m_jobsDock->raise();
    resizeDocks({m_jobsDock}, {150}, Qt::Vertical);

    m_statusProgress = new QProgressBar(this);
    m_statusProgress->setMaximumWidth(220);
    m_statusProgress->setRange(0, 0);
    m_statusProgress->hide();
    statusBar()->addPermanentWidget(m_statusProgress);
    statusBar()->showMessage(tr("Ready"));

    connect(m_jobs, &GuiJobRunner::started, this, [this](quint64, const QString& title) {
        m_statusProgress->show();
        statusBar()->showMessage(title);
        m_logDock->append(tr("Started: %1").arg(title));
    });
    connect(m_jobs, &GuiJobRunner::progressChanged, this,
            [this](quint64, double done, double total, const QString& message) {
                if (total > 0) {
                    m_statusProgress->setRange(0, 1000);
                    m_statusProgress->setValue(static_cast<int>(1000.0 * std::min(1.0, done / total)));
                } else {
                    m_statusProgress->setRange(0, 0);
                }
                if (!message.isEmpty())
                    statusBar()->showMessage(message);
            });
    connect(m_jobs, &GuiJobRunner::logLine, this, [this](quint64, const QString& line) { m_logDock->append(line); });
    // Writers' one-line notes (e.g. temporaries of a killed run removed) reach the Log dock from any thread.
    setOutputNoticeHandler([dock = QPointer<LogDock>(m_logDock)](const std::string& line) {
        QMetaObject::invokeMethod(
            qApp,
            [dock, text = QString::fromStdString(line)] {
                if (dock)
                    dock->append(text);
            },
            Qt::QueuedConnection);
    });
    connect(m_jobs, &GuiJobRunner::ended, this, [this](quint64, Status status, const QString& message, bool dropped) {
        if (status == Status::Failed)
            m_logDock->append(tr("Failed: %1").arg(message));
        else if (status == Status::Cancelled)
            m_logDock->append(tr("Cancelled"));
        // Every failure that was not superseded reaches the banner; pages handle their own results.
        if (status == Status::Failed && !dropped)
            m_banner->showError(message);
    });
    connect(m_jobs, &GuiJobRunner::idle, this, [this] {
        m_statusProgress->hide();
        statusBar()->showMessage(tr("Ready"), 5000);
    });

    createMenus();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        resize(1200, 780);
        // Docks take what they need, not a third of the window, on first start.
        QTimer::singleShot(0, this, [this] { resizeDocks({m_jobsDock}, {110}, Qt::Vertical); });
    }
}

MainWindow::~MainWindow()
{
    setOutputNoticeHandler({}); // back to standard error
}

QString MainWindow::projectPath() const
{
    return m_document->path();
}

bool MainWindow::hasProject() const
{
    return m_document->isOpen();
}

bool MainWindow::isProjectModified() const
{
    return m_document->isModified();
}

void MainWindow::addPage(QWidget* page, const QString& name, const QString& title)
{
    page->setObjectName(name + QStringLiteral("Page"));
    m_tabs->addTab(page, title);
    m_pageNames << name;
}

QStringList MainWindow::pageNames() const
{
    return m_pageNames;
}

ExportDialog* MainWindow::exportDialog() const
{
    return m_exportDialog.data();
}

QString MainWindow::currentPageName() const
{
    return m_pageNames.value(m_tabs->currentIndex());
}

bool MainWindow::showPage(const QString& name)
{
    const int index = m_pageNames.indexOf(name.toLower());
    if (index < 0)
        return false;
    m_tabs->setCurrentIndex(index);
    return true;
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newProject = file->addAction(tr("&New Project"), this, &MainWindow::newProject);
    newProject->setShortcut(QKeySequence::New);
    QAction* openProject = file->addAction(tr("&Open Project…"), this, &MainWindow::chooseProject);
    openProject->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    fillRecentMenu();
    QAction* save = file->addAction(tr("&Save Project"), this, [this] { saveProject(); });
    save->setShortcut(QKeySequence::Save);
    QAction* saveAs = file->addAction(tr("Save Project &As…"), this, &MainWindow::chooseSaveAs);
    saveAs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addAction(tr("Add &Checkpoints to Project…"), this, &MainWindow::chooseCheckpointsToAdd);
    file->addAction(tr("Add Checkpoint F&older to Project…"), this, &MainWindow::chooseFolderToAdd);
    file->addSeparator();
    QAction* openFile = file->addAction(tr("Inspect Checkpoint &File…"), this, &MainWindow::chooseFile);
    openFile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addAction(tr("Inspect Checkpoint Fol&der…"), this, &MainWindow::chooseFolder);
    file->addSeparator();
    QAction* exportMerge = file->addAction(tr("&Export Merged Checkpoint…"), this, &MainWindow::openExportDialog);
    exportMerge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* preferences = edit->addAction(tr("&Preferences…"), this, [this] { PreferencesDialog(this).exec(); });
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // Ctrl+1..N switch pages in tab order.
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction* page = view->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        if (i < 9)
            page->setShortcut(QKeySequence(static_cast<int>(Qt::CTRL) | (Qt::Key_1 + i)));
    }
    view->addSeparator();
    view->addAction(m_jobsDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());
    QAction* cancelJobs = view->addAction(tr("&Cancel All Jobs"), this, [this] { m_jobs->cancelAll(); });
    cancelJobs->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Period));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MergeLab"), this, [this] {
        QMessageBox::about(this, tr("About MergeLab"),
                           tr("MergeLab %1\nA workbench for merging fine-tuned neural networks.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = RecentProjects::list();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        QAction* action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()),
                                                  this, [this, path] {
                                                      if (maybeSave())
                                                          openProject(path);
                                                  });
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (recent.isEmpty()) {
        m_recentMenu->addAction(tr("No recent projects"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear List"), this, [] { RecentProjects::clear(); });
}

void MainWindow::chooseFile()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("paths/lastOpen")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Checkpoint"), dir,
        tr("Checkpoints (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;All files (*)"));
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::chooseFolder()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("paths/lastOpen")).toString();
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Checkpoint Folder"), dir);
    if (!path.isEmpty())
        openPath(path);
}

void MainWindow::chooseProject()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("paths/lastProject")).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), dir,
                                                      tr("MergeLab projects (*.mergelab.json);;All files (*)"));
    if (!path.isEmpty() && maybeSave())
        openProject(path);
}

void MainWindow::chooseSaveAs()
{
    if (!hasProject()) {
        m_banner->showMessage(widgets::Banner::Kind::Info, tr("No project to save: open one or start a new one."));
        return;
    }
    QString dir =
        projectPath().isEmpty() ? QSettings().value(QStringLiteral("paths/lastProject")).toString() : projectPath();
    QString path =
        QFileDialog::getSaveFileName(this, tr("Save Project As"), dir, tr("MergeLab projects (*.mergelab.json)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(".mergelab.json")))
        path += QStringLiteral(".mergelab.json");
    saveProjectAs(path);
}

bool MainWindow::saveProject()
{
    if (!hasProject()) {
        m_banner->showMessage(widgets::Banner::Kind::Info, tr("No project to save: open one or start a new one."));
        return false;
    }
    if (projectPath().isEmpty()) {
        chooseSaveAs();
        return !isProjectModified();
    }
    return saveProjectAs(projectPath());
}

bool MainWindow::saveProjectAs(const QString& path)
{
    if (!m_document->canSave()) {
        m_banner->showMessage(
            widgets::Banner::Kind::Warning,
            tr("%1: a project needs a base checkpoint; add checkpoints first.").arg(QFileInfo(path).fileName()));
        return false;
    }
    QString error;
    if (!m_document->saveAs(path, &error)) {
        m_banner->showError(error);
        return false;
    }
    RecentProjects::add(projectPath());
    QSettings().setValue(QStringLiteral("paths/lastProject"), QFileInfo(path).absolutePath());
    m_logDock->append(tr("Saved project %1").arg(QDir::toNativeSeparators(projectPath())));
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::maybeSave()
{
    if (!hasProject() || !isProjectModified())
        return true;
    const auto answer =
        QMessageBox::question(this, tr("Save Project?"),
                              tr("The project has unsaved changes (names, colours, base or checkpoints). Save them?"),
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Discard)
        return true;
    return saveProject();
}

void MainWindow::newProject()
{
    if (!maybeSave())
        return;
    m_banner->dismiss();
    m_document->open(ProjectSummary{});
    showPage(QStringLiteral("models"));
}

void MainWindow::chooseCheckpointsToAdd()
{
    const QString dir = QSettings().value(QStringLiteral("paths/lastOpen")).toString();
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Add Checkpoints"), dir,
        tr("Checkpoints (*.safetensors *.bin *.pt *.pth *.h5 *.hdf5 *.index.json);;All files (*)"));
    if (!paths.isEmpty())
        addCheckpoints(paths);
}

void MainWindow::chooseFolderToAdd()
{
    const QString dir = QSettings().value(QStringLiteral("paths/lastOpen")).toString();
    const QString path = QFileDialog::getExistingDirectory(this, tr("Add Checkpoint Folder"), dir);
    if (!path.isEmpty())
        addCheckpoints({path});
}

void MainWindow::addCheckpoints(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (!hasProject())
        newProject();
    QSettings().setValue(QStringLiteral("paths/lastOpen"), QFileInfo(paths.front()).absolutePath());
    const QString title = paths.size() == 1 ? tr("Adding %1").arg(QFileInfo(paths.front()).fileName())
                                            : tr("Adding %n checkpoint(s)", nullptr, static_cast<int>(paths.size()));
    // No channel: a second drop while the first is read must not cancel it.
    m_jobs->start<OpenedMembers>(title, QString(), openMembersWork(paths), this,
                                 [this](const JobOutcome<OpenedMembers>& outcome) {
                                     if (outcome.ok())
                                         onMembersOpened(*outcome.result);
                                 });
}

void MainWindow::onMembersOpened(const OpenedMembers& opened)
{
    int failed = 0;
    for (const ProjectMember& m : opened.members) {
        if (!m.error.isEmpty()) {
            ++failed;
            m_logDock->append(m.error);
        }
    }
    m_document->addMembers(opened.members);
    m_logDock->append(tr("Added %n checkpoint(s) to the project", nullptr, static_cast<int>(opened.members.size())));
    if (failed > 0)
        m_banner->showMessage(widgets::Banner::Kind::Warning,
                              tr("%1 of %2 added checkpoints could not be opened; see the Models page.")
                                  .arg(failed)
                                  .arg(opened.members.size()));
    showPage(QStringLiteral("models"));
    Q_EMIT membersAdded(static_cast<int>(opened.members.size()));
}

void MainWindow::updateTitle()
{
    if (!hasProject())
        return;
    QString name = QString::fromStdString(m_document->set().name);
    if (name.isEmpty())
        name = projectPath().isEmpty() ? tr("Untitled project") : QFileInfo(projectPath()).fileName();
    setWindowTitle(tr("%1[*] — MergeLab").arg(name));
}

void MainWindow::openExportDialog()
{
    if (m_exportDialog) {
        m_exportDialog->raise();
        m_exportDialog->activateWindow();
        return;
    }
    if (!hasProject() || m_document->set().base.path.empty()) {
        m_banner->showMessage(widgets::Banner::Kind::Info,
                              tr("Nothing to export yet: open a project, then choose a merge on the Tune page."));
        return;
    }
    const std::optional<Recipe> recipe = m_tunePage->currentRecipe();
    if (!recipe) {
        m_banner->showMessage(widgets::Banner::Kind::Warning,
                              tr("The Tune page has no valid merge to export: choose a method and fix the parameters "
                                 "marked invalid there."));
        showPage(QStringLiteral("tune"));
        return;
    }
    m_exportDialog = new ExportDialog(m_jobs, *recipe, m_document->set(), this);
    m_exportDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_exportDialog, &ExportDialog::exportEnded, this, [this](Status status, const QString&) {
        if (status == Status::Ok && m_exportDialog)
            m_logDock->append(tr("Exported %1").arg(QDir::toNativeSeparators(m_exportDialog->writtenPath())));
    });
    m_exportDialog->show();
}

void MainWindow::openProject(const QString& path)
{
    m_banner->dismiss();
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("paths/lastProject"), info.absolutePath());
    m_jobs->start<ProjectSummary>(tr("Opening project %1").arg(info.fileName()), QStringLiteral("open-project"),
                                  openProjectWork(path), this, [this](const JobOutcome<ProjectSummary>& outcome) {
                                      if (outcome.ok())
                                          onProjectOpened(*outcome.result);
                                      else if (outcome.status == Status::Failed)
                                          Q_EMIT openFailed(outcome.message);
                                  });
}

void MainWindow::onProjectOpened(const ProjectSummary& project)
{
    m_document->open(project); // every page observes it and starts over (the Understand page analyses)
    showPage(QStringLiteral("models"));
    RecentProjects::add(projectPath());
    int failed = 0;
    for (const ProjectMember& m : project.members) {
        if (!m.error.isEmpty()) {
            ++failed;
            m_logDock->append(m.error);
        }
    }
    m_logDock->append(tr("Opened project %1 (%2 checkpoints)")
                          .arg(QDir::toNativeSeparators(project.path))
                          .arg(project.members.size()));
    if (failed > 0)
        m_banner->showMessage(widgets::Banner::Kind::Warning,
                              tr("%1 of %2 checkpoints in %3 could not be opened; see the Models page.")
                                  .arg(failed)
                                  .arg(project.members.size())
                                  .arg(QFileInfo(project.path).fileName()));
    Q_EMIT projectOpened(project.path);
}

void MainWindow::openPath(const QString& path)
{
    if (path.endsWith(QLatin1String(".mergelab.json")))
        return openProject(path);
    m_banner->dismiss();
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("paths/lastOpen"),
                         info.isDir() ? info.absoluteFilePath() : info.absolutePath());
    // Opening another file supersedes an open still in progress.
    m_jobs->start<CheckpointSummary>(tr("Opening %1").arg(info.fileName().isEmpty() ? path : info.fileName()),
                                     kOpenChannel, openCheckpointWork(path), this,
                                     [this](const JobOutcome<CheckpointSummary>& outcome) {
                                         if (outcome.ok())
                                             onOpened(*outcome.result);
                                         else if (outcome.status == Status::Failed)
                                             Q_EMIT openFailed(outcome.message);
                                     });
}

void MainWindow::onOpened(const CheckpointSummary& summary)
{
    m_checkpointPage->setSummary(summary);
    showPage(QStringLiteral("checkpoint"));
    // The window title names the project when one is open; a checkpoint inspected beside it does not replace it.
    if (!hasProject())
        setWindowTitle(tr("%1 — MergeLab").arg(QFileInfo(summary.path).fileName()));
    m_logDock->append(tr("Opened %1 (%2, %3 tensors, index read in %4 ms)")
                          .arg(QDir::toNativeSeparators(summary.path), summary.format)
                          .arg(summary.tree ? summary.tree->tensors().size() : 0)
                          .arg(summary.openSeconds * 1000.0, 0, 'f', 1));
    Q_EMIT checkpointOpened(summary.path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // A project file opens; checkpoints dropped on the Models page, or several at once, join the
    // project (a new one when none is open); a single checkpoint elsewhere is inspected.
    if (paths.size() == 1 && paths.front().endsWith(QLatin1String(".mergelab.json"))) {
        if (maybeSave())
            openProject(paths.front());
        return;
    }
    paths.erase(std::remove_if(paths.begin(), paths.end(),
                               [](const QString& p) { return p.endsWith(QLatin1String(".mergelab.json")); }),
                paths.end());
    const bool onModels = m_tabs->currentWidget() == m_modelSetPage;
    if (paths.size() == 1 && !onModels)
        return openPath(paths.front());
    addCheckpoints(paths);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_jobs->cancelAll();
    QMainWindow::closeEvent(event);
}

} // namespace mergelab::gui
