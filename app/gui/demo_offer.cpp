#include "demo_offer.h"

#include "gui_job_runner.h"

#include "zoo/lm_zoo.h"
#include "zoo/zoo_builder.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <memory>

namespace mergelab::gui {

namespace {
const QString kProjectFile = QStringLiteral("demo.mergelab.json");
const QString kDemoChannel = QStringLiteral("build-demo");
const QString kLmProjectFile = QStringLiteral("lm.mergelab.json");
const QString kLmDemoChannel = QStringLiteral("build-lm-demo"); // beside an image build, not instead
} // namespace

QString demoFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1Char('/') +
           QString::fromLatin1(kDemoFolderName);
}

QString existingDemoProject()
{
    const QStringList candidates = {
        demoFolder() + QLatin1Char('/') + kProjectFile,
        QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/mergelab/") +
            QString::fromLatin1(kDemoFolderName) + QLatin1Char('/') + kProjectFile,
    };
    for (const QString& path : candidates) {
        if (QFileInfo::exists(path))
            return path;
    }
    return {};
}

QString lmDemoFolder(const QString& preset)
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1Char('/') + preset;
}

QString existingLmDemoProject()
{
    for (const QString& preset : {QStringLiteral("lm-demo"), QStringLiteral("lm-tiny")}) {
        const QString path = lmDemoFolder(preset) + QLatin1Char('/') + kLmProjectFile;
        if (QFileInfo::exists(path))
            return path;
    }
    return {};
}

quint64 buildDemo(const DemoHost& host, const QString& folder, const QString& preset)
{
    const std::string out = QDir::cleanPath(folder).toStdString();
    const std::string presetName = preset.toStdString();
    const bool lm = isLmZooPreset(presetName);
    GuiJobRunner::Work work = [out, presetName, lm](Progress& progress, const CancelToken& cancel) -> QVariant {
        if (lm) {
            LmZooBuildJob job(out, lmZooPreset(presetName), 0);
            job.run(progress, cancel);
            return QString::fromStdString(job.report().projectPath);
        }
        ZooBuildJob job(out, zooPreset(presetName), 0);
        job.run(progress, cancel);
        return QString::fromStdString(job.report().projectPath);
    };
    GuiJobRunner* jobs = host.jobs;
    // The window receives the result (the runner when there is none): no callback once it is gone.
    QObject* receiver = host.window ? static_cast<QObject*>(host.window) : jobs;
    const QString title = lm ? DemoOfferDialog::tr("Building the language-model set")
                             : DemoOfferDialog::tr("Building the demo model set");
    const quint64 id = jobs->start<QString>(title, lm ? kLmDemoChannel : kDemoChannel, work, receiver,
                                            [open = host.openProject](const JobOutcome<QString>& outcome) {
                                                if (outcome.ok() && open)
                                                    open(*outcome.result);
                                            });
    return id;
}

DemoOfferDialog::DemoOfferDialog(const DemoHost& host, const QString& existingProject, const QString& existingLmProject)
    : QDialog(host.window), m_host(host), m_project(existingProject), m_lmProject(existingLmProject)
{
    setObjectName(QStringLiteral("demoOfferDialog"));
    setWindowTitle(tr("Welcome to MergeLab"));
    auto* text = new QLabel(this);
    text->setWordWrap(true);
    text->setTextFormat(Qt::PlainText);
    if (m_project.isEmpty()) {
        text->setText(tr("No project is open. MergeLab can build its demo model set: a small vision transformer "
                         "pretrained here and six fine-tuned models, one per task. Building takes about ten minutes "
                         "and writes about 50 MB into %1.")
                          .arg(QDir::toNativeSeparators(demoFolder())));
    } else {
        text->setText(tr("No project is open. Open the demo model set (%1)?")
                          .arg(QDir::toNativeSeparators(QFileInfo(m_project).absolutePath())));
    }
    auto* lmText = new QLabel(this);
    lmText->setWordWrap(true);
    lmText->setTextFormat(Qt::PlainText);
    if (m_lmProject.isEmpty()) {
        lmText->setText(tr("Beside it, the language-model set: a small Llama-architecture model with its own "
                           "tokenizer, pretrained here on text Debian ships, and four fine-tunes (code, arithmetic, "
                           "verse, definitions). Building it takes about 17 minutes on two cores; the quick version "
                           "(smaller, for a first look) about a minute. Written into %1.")
                            .arg(QDir::toNativeSeparators(QFileInfo(lmDemoFolder()).absolutePath())));
    } else {
        lmText->setText(tr("The language-model set is in %1.")
                            .arg(QDir::toNativeSeparators(QFileInfo(m_lmProject).absolutePath())));
    }
    auto* dontAsk = new QCheckBox(tr("Do not offer this at start"), this);
    dontAsk->setAccessibleName(tr("Do not offer the demo at start"));
    connect(dontAsk, &QCheckBox::toggled, this,
            [](bool on) { QSettings().setValue(QLatin1String(kOfferDemoSetting), !on); });

    auto* buttons = new QDialogButtonBox(this);
    m_accept =
        buttons->addButton(m_project.isEmpty() ? tr("&Build Demo") : tr("&Open Demo"), QDialogButtonBox::AcceptRole);
    m_accept->setAccessibleName(m_project.isEmpty() ? tr("Build the demo model set") : tr("Open the demo model set"));
    m_lm = buttons->addButton(m_lmProject.isEmpty() ? tr("Build &Language Models") : tr("Open &Language Models"),
                              QDialogButtonBox::ActionRole);
    m_lm->setAccessibleName(m_lmProject.isEmpty() ? tr("Build the language-model set (about 17 minutes)")
                                                  : tr("Open the language-model set"));
    connect(m_lm, &QPushButton::clicked, this, [this] { actLm(QStringLiteral("lm-demo")); });
    if (m_lmProject.isEmpty()) {
        m_lmQuick = buttons->addButton(tr("&Quick Language Models"), QDialogButtonBox::ActionRole);
        m_lmQuick->setAccessibleName(tr("Build the small language-model set (about a minute)"));
        connect(m_lmQuick, &QPushButton::clicked, this, [this] { actLm(QStringLiteral("lm-tiny")); });
    }
    QPushButton* later = buttons->addButton(tr("Not Now"), QDialogButtonBox::RejectRole);
    later->setAccessibleName(tr("Close without opening a project"));
    connect(buttons, &QDialogButtonBox::accepted, this, &DemoOfferDialog::act);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(lmText);
    layout->addWidget(dontAsk);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

void DemoOfferDialog::act()
{
    if (m_project.isEmpty())
        buildDemo(m_host, demoFolder());
    else if (m_host.openProject)
        m_host.openProject(m_project);
    accept();
}

void DemoOfferDialog::actLm(const QString& preset)
{
    if (m_lmProject.isEmpty())
        buildDemo(m_host, lmDemoFolder(preset), preset);
    else if (m_host.openProject)
        m_host.openProject(m_lmProject);
    accept();
}

QDialog* offerDemo(const DemoHost& host, const QString& startPath, bool headless)
{
    // The installed icon (packaging/) is found by the desktop file name; the embedded one covers
    // running from the build tree.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.mergelab.MergeLab"));
    if (QApplication::windowIcon().isNull())
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/org.mergelab.MergeLab.png")));
    if (!startPath.isEmpty() || headless || !QSettings().value(QLatin1String(kOfferDemoSetting), true).toBool())
        return nullptr;
    auto* dialog = new DemoOfferDialog(host, existingDemoProject());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::NonModal);
    dialog->show();
    return dialog;
}

} // namespace mergelab::gui
