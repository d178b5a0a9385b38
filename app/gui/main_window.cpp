#include "main_window.h"

#include "banner.h"
#include "checkpoint_loader.h"
#include "checkpoint_page.h"
#include "gui_job_runner.h"
#include "jobs_dock.h"
#include "log_dock.h"
#include "model_set_page.h"
#include "preferences_dialog.h"
#include "project_loader.h"
#include "understand_page.h"
#include "tune_page.h"
#include "experts_page.h"
#include "learn_page.h"
#include "diagnostics_page.h"

#include <QApplication>
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
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace mergelab::gui {

namespace {
const QString kOpenChannel = QStringLiteral("open-checkpoint");
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("MergeLab"));
    setAcceptDrops(true);
    m_jobs = new GuiJobRunner(this);

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
    m_modelSetPage = new ModelSetPage(m_tabs);
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
    // A new base makes every task vector different: analyse again.
    connect(m_modelSetPage, &ModelSetPage::baseChanged, this,
            [this] { m_understandPage->analyze(m_modelSetPage->currentSet()); });
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
    connect(m_jobs, &GuiJobRunner::ended, this, [this](quint64, Status status, const QString& message) {
        if (status == Status::Failed)
            m_logDock->append(tr("Failed: %1").arg(message));
        else if (status == Status::Cancelled)
            m_logDock->append(tr("Cancelled"));
    });
    connect(m_jobs, &GuiJobRunner::idle, this, [this] {
        m_statusProgress->hide();
        statusBar()->showMessage(tr("Ready"), 5000);
    });
    connect(m_jobs, &GuiJobRunner::finished, this,
            [this](quint64 id, Status status, const QString& message, const QVariant& result) {
                // Every failure reaches the banner; pages handle their own jobs' results.
                if (status == Status::Failed)
                    m_banner->showError(message);
                if (id == m_projectJob) {
                    if (status == Status::Ok && result.canConvert<ProjectSummary>())
                        onProjectOpened(result.value<ProjectSummary>());
                    else if (status == Status::Failed)
                        Q_EMIT openFailed(message);
                    return;
                }
                if (id != m_openJob)
                    return;
                if (status == Status::Ok && result.canConvert<CheckpointSummary>())
                    onOpened(result.value<CheckpointSummary>());
                else if (status == Status::Failed)
                    Q_EMIT openFailed(message);
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

MainWindow::~MainWindow() = default;

void MainWindow::addPage(QWidget* page, const QString& name, const QString& title)
{
    page->setObjectName(name + QStringLiteral("Page"));
    m_tabs->addTab(page, title);
    m_pageNames << name;
}

QStringList MainWindow::pageNames() const { return m_pageNames; }

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
    QAction* openFile = file->addAction(tr("&Open File…"), this, &MainWindow::chooseFile);
    openFile->setShortcut(QKeySequence::Open);
    QAction* openFolder = file->addAction(tr("Open &Folder…"), this, &MainWindow::chooseFolder);
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* openProject = file->addAction(tr("Open &Project…"), this, &MainWindow::chooseProject);
    openProject->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* preferences = edit->addAction(tr("&Preferences…"), this, [this] { PreferencesDialog(this).exec(); });
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_jobsDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MergeLab"), this, [this] {
        QMessageBox::about(this, tr("About MergeLab"),
                           tr("MergeLab %1\nA workbench for merging fine-tuned neural networks.")
                               .arg(QApplication::applicationVersion()));
    });
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
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::openProject(const QString& path)
{
    m_banner->dismiss();
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("paths/lastProject"), info.absolutePath());
    m_projectJob = m_jobs->start(tr("Opening project %1").arg(info.fileName()), QStringLiteral("open-project"),
                                 openProjectWork(path));
}

void MainWindow::onProjectOpened(const ProjectSummary& project)
{
    m_modelSetPage->setProject(project);
    m_tunePage->setProject(project);
    m_learnPage->setProject(project);
    m_expertsPage->setProject(project);
    m_diagnosticsPage->setProject(project);
    showPage(QStringLiteral("models"));
    setWindowTitle(tr("%1 — MergeLab").arg(QString::fromStdString(project.set.name)));
    int failed = 0;
    for (const ProjectMember& m : project.members) {
        if (!m.error.isEmpty()) {
            ++failed;
            m_logDock->append(m.error);
        }
    }
    m_logDock->append(tr("Opened project %1 (%2 checkpoints)").arg(QDir::toNativeSeparators(project.path)).arg(project.members.size()));
    if (failed > 0)
        m_banner->showMessage(widgets::Banner::Kind::Warning,
                              tr("%1 of %2 checkpoints in %3 could not be opened; see the Models page.")
                                  .arg(failed)
                                  .arg(project.members.size())
                                  .arg(QFileInfo(project.path).fileName()));
    // The analysis is one streaming pass over the checkpoints: start it right away, cancellable.
    if (failed == 0)
        m_understandPage->analyze(m_modelSetPage->currentSet());
    Q_EMIT projectOpened(project.path);
}

void MainWindow::openPath(const QString& path)
{
    if (path.endsWith(QLatin1String(".mergelab.json")))
        return openProject(path);
    m_banner->dismiss();
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("paths/lastOpen"), info.isDir() ? info.absoluteFilePath() : info.absolutePath());
    // Opening another file supersedes an open still in progress.
    m_openJob = m_jobs->start(tr("Opening %1").arg(info.fileName().isEmpty() ? path : info.fileName()), kOpenChannel,
                  openCheckpointWork(path));
}

void MainWindow::onOpened(const CheckpointSummary& summary)
{
    m_checkpointPage->setSummary(summary);
    showPage(QStringLiteral("checkpoint"));
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
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    event->acceptProposedAction();
    openPath(urls.front().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_jobs->cancelAll();
    QMainWindow::closeEvent(event);
}

} // namespace mergelab::gui
