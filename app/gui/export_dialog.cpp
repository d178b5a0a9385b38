#include "export_dialog.h"

#include "gui_job_runner.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace mergelab::gui {

namespace {
const QString kExportChannel = QStringLiteral("export");
const QString kEvaluateChannel = QStringLiteral("export-evaluate");

// Combo box data of the dtype choices: "" keeps the base's dtype.
const char* const kDTypes[] = {"", "F32", "F16", "BF16"};
} // namespace

ExportDialog::ExportDialog(GuiJobRunner* jobs, Recipe recipe, ModelSet set, QWidget* parent)
    : QDialog(parent), m_jobs(jobs), m_recipe(std::move(recipe)), m_set(std::move(set))
{
    setWindowTitle(tr("Export Merged Checkpoint"));
    setObjectName(QStringLiteral("exportDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* what = new QLabel(
        tr("Merge: %1 of %n fine-tuned model(s) onto %2.", nullptr, static_cast<int>(m_recipe.models.size()))
            .arg(QString::fromStdString(m_recipe.method),
                 m_recipe.base.empty() ? tr("no base") : QFileInfo(QString::fromStdString(m_recipe.base)).fileName()),
        this);
    what->setWordWrap(true);
    layout->addWidget(what);

    auto* form = new QFormLayout;
    m_format = new QComboBox(this);
    m_format->addItem(tr("safetensors, one file"), static_cast<int>(ExportSettings::Format::SafetensorsFile));
    m_format->addItem(tr("safetensors, sharded folder"), static_cast<int>(ExportSettings::Format::SafetensorsSharded));
    m_format->addItem(tr("HDF5 (.h5)"), static_cast<int>(ExportSettings::Format::Hdf5));
    m_format->setAccessibleName(tr("Output format"));
    form->addRow(tr("&Format:"), m_format);
    m_dtype = new QComboBox(this);
    m_dtype->addItem(tr("Keep the base's dtype"), QString());
    for (std::size_t i = 1; i < std::size(kDTypes); ++i)
        m_dtype->addItem(QLatin1String(kDTypes[i]), QLatin1String(kDTypes[i]));
    m_dtype->setAccessibleName(tr("Output dtype"));
    form->addRow(tr("&DType:"), m_dtype);
    m_shardSize = new QSpinBox(this);
    m_shardSize->setRange(1, 1000000);
    m_shardSize->setSuffix(tr(" MB"));
    m_shardSize->setValue(2000);
    m_shardSize->setAccessibleName(tr("Largest shard size in megabytes"));
    m_shardSize->setToolTip(tr("Largest shard of a sharded folder (1 MB = 1,000,000 bytes)."));
    form->addRow(tr("&Shard size:"), m_shardSize);
    auto* destinationRow = new QHBoxLayout;
    m_destination = new QLineEdit(this);
    m_destination->setAccessibleName(tr("Destination"));
    m_destination->setMinimumWidth(360);
    m_browse = new QPushButton(tr("&Browse…"), this);
    m_browse->setAccessibleName(tr("Choose the destination"));
    destinationRow->addWidget(m_destination, 1);
    destinationRow->addWidget(m_browse);
    form->addRow(tr("D&estination:"), destinationRow);
    layout->addLayout(form);

    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Export progress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_results = new QTableWidget(0, 3, this);
    m_results->setHorizontalHeaderLabels({tr("Task"), tr("Accuracy (%)"), tr("Samples")});
    m_results->verticalHeader()->hide();
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_results->setAccessibleName(tr("Accuracy of the exported checkpoint per task"));
    m_results->hide();
    layout->addWidget(m_results, 1);

    auto* buttons = new QDialogButtonBox(this);
    m_export = buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    m_export->setDefault(true);
    m_export->setAccessibleName(tr("Start the export"));
    m_evaluate = buttons->addButton(tr("E&valuate on Test Split"), QDialogButtonBox::ActionRole);
    m_evaluate->setAccessibleName(tr("Evaluate the exported checkpoint on the test split"));
    m_cancel = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
    m_cancel->setAccessibleName(tr("Cancel the running job, or close"));
    layout->addWidget(buttons);

    // Preferences of the last export.
    QSettings stored;
    m_format->setCurrentIndex(
        std::clamp(stored.value(QStringLiteral("export/format"), 0).toInt(), 0, m_format->count() - 1));
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(stored.value(QStringLiteral("export/dtype")).toString())));
    m_shardSize->setValue(stored.value(QStringLiteral("export/shardMB"), 2000).toInt());
    QString folder = stored.value(QStringLiteral("export/folder")).toString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = m_set.projectFolder().empty() ? QDir::homePath() : QString::fromStdString(m_set.projectFolder());
    m_destination->setText(
        exportPathFor(QDir(folder).filePath(QStringLiteral("merged-%1").arg(QString::fromStdString(m_recipe.method))),
                      static_cast<ExportSettings::Format>(m_format->currentData().toInt())));

    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_destination->text().isEmpty())
            m_destination->setText(exportPathFor(m_destination->text(), settings().format));
        updateControls();
    });
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_evaluate, &QPushButton::clicked, this, &ExportDialog::startEvaluation);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_jobs, &GuiJobRunner::progressChanged, this,
            [this](quint64 id, double done, double total, const QString& message) {
                if (id != m_jobs->currentJob(kExportChannel) && id != m_jobs->currentJob(kEvaluateChannel))
                    return;
                if (total > 0) {
                    m_progress->setRange(0, 1000);
                    m_progress->setValue(static_cast<int>(1000.0 * std::min(1.0, done / total)));
                } else {
                    m_progress->setRange(0, 0);
                }
                if (!message.isEmpty())
                    setStatus(message);
            });
    updateControls();
}

ExportDialog::~ExportDialog()
{
    // A dialog closed mid-export leaves nothing: the job's cancel removes its temporary output.
    cancelJob();
}

ExportSettings ExportDialog::settings() const
{
    ExportSettings s;
    s.format = static_cast<ExportSettings::Format>(m_format->currentData().toInt());
    const QString dtype = m_dtype->currentData().toString();
    if (!dtype.isEmpty())
        s.dtype = parseDType(dtype.toStdString());
    s.shardSize = static_cast<uint64_t>(m_shardSize->value()) * 1000ull * 1000ull;
    s.destination = exportPathFor(m_destination->text(), s.format);
    return s;
}

void ExportDialog::setSettings(const ExportSettings& s)
{
    m_format->setCurrentIndex(std::max(0, m_format->findData(static_cast<int>(s.format))));
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(s.dtype ? QLatin1String(dtypeName(*s.dtype)) : QString())));
    m_shardSize->setValue(static_cast<int>(std::max<uint64_t>(1, s.shardSize / 1000000ull)));
    m_destination->setText(s.destination);
}

bool ExportDialog::isRunning() const
{
    return m_jobs->currentJob(kExportChannel) || m_jobs->currentJob(kEvaluateChannel);
}

QString ExportDialog::statusText() const
{
    return m_status->text();
}

void ExportDialog::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b02020;") : QString());
}

void ExportDialog::updateControls()
{
    const bool running = isRunning();
    const bool sharded = settings().format == ExportSettings::Format::SafetensorsSharded;
    m_shardSize->setEnabled(sharded && !running);
    for (QWidget* w : std::initializer_list<QWidget*>{m_format, m_dtype, m_destination, m_browse, m_export})
        w->setEnabled(!running);
    const std::optional<QString> why = evaluationUnavailable(m_set);
    m_evaluate->setEnabled(!running && !m_outcome.writtenPath.isEmpty() && !why);
    m_evaluate->setToolTip(why ? *why : tr("Accuracy of the written checkpoint on every task's test split."));
    m_cancel->setText(running ? tr("Cancel") : tr("Close"));
}

void ExportDialog::browse()
{
    const ExportSettings s = settings();
    QString path;
    if (s.format == ExportSettings::Format::SafetensorsSharded) {
        path = QFileDialog::getSaveFileName(this, tr("Export to Folder"), s.destination, tr("Folders (*)"), nullptr,
                                            QFileDialog::ShowDirsOnly);
    } else {
        const QString filter = s.format == ExportSettings::Format::Hdf5 ? tr("HDF5 checkpoints (*.h5)")
                                                                        : tr("safetensors checkpoints (*.safetensors)");
        path = QFileDialog::getSaveFileName(this, tr("Export to File"), s.destination, filter, nullptr,
                                            QFileDialog::DontConfirmOverwrite);
    }
    if (!path.isEmpty())
        m_destination->setText(exportPathFor(path, s.format));
}

bool ExportDialog::startExport()
{
    if (isRunning())
        return false;
    const ExportSettings s = settings();
    if (s.destination.isEmpty()) {
        setStatus(tr("Choose a destination first."), true);
        return false;
    }
    const QFileInfo target(s.destination);
    if (target.exists()) {
        setStatus(tr("%1 already exists; choose another name (an export never replaces a file).")
                      .arg(QDir::toNativeSeparators(s.destination)),
                  true);
        return false;
    }
    if (!target.absoluteDir().exists()) {
        setStatus(tr("%1: the folder does not exist.").arg(QDir::toNativeSeparators(target.absolutePath())), true);
        return false;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("export/format"), m_format->currentIndex());
    settings.setValue(QStringLiteral("export/dtype"), m_dtype->currentData().toString());
    settings.setValue(QStringLiteral("export/shardMB"), m_shardSize->value());
    settings.setValue(QStringLiteral("export/folder"), target.absolutePath());

    m_outcome = {};
    m_evaluation = {};
    m_results->hide();
    m_progress->setRange(0, 0);
    setStatus(tr("Exporting to %1…").arg(QDir::toNativeSeparators(s.destination)));
    m_jobs->start(tr("Export %1").arg(target.fileName()), kExportChannel,
                  exportWork(exportRecipe(m_recipe, s), target.absoluteFilePath()), this,
                  [this](Status status, const QString& message, const QVariant& result) {
                      onEnded(true, status, message, result);
                  });
    updateControls();
    return true;
}

bool ExportDialog::startEvaluation()
{
    if (isRunning() || m_outcome.writtenPath.isEmpty())
        return false;
    if (const std::optional<QString> why = evaluationUnavailable(m_set)) {
        setStatus(*why, true);
        return false;
    }
    m_progress->setRange(0, 0);
    setStatus(tr("Evaluating %1 on the test split…").arg(QFileInfo(m_outcome.writtenPath).fileName()));
    m_jobs->start(tr("Evaluate %1").arg(QFileInfo(m_outcome.writtenPath).fileName()), kEvaluateChannel,
                  evaluateCheckpointWork(m_set, m_outcome.writtenPath, QStringLiteral("test")), this,
                  [this](Status status, const QString& message, const QVariant& result) {
                      onEnded(false, status, message, result);
                  });
    updateControls();
    return true;
}

void ExportDialog::cancelJob()
{
    m_jobs->cancel(m_jobs->currentJob(kExportChannel));
    m_jobs->cancel(m_jobs->currentJob(kEvaluateChannel));
}

void ExportDialog::reject()
{
    // Cancel first; a second press (or the job ending) closes.
    if (isRunning()) {
        cancelJob();
        setStatus(tr("Cancelling…"));
        m_cancel->setEnabled(false);
        return;
    }
    QDialog::reject();
}

void ExportDialog::onEnded(bool isExport, Status status, const QString& message, const QVariant& result)
{
    m_cancel->setEnabled(true);
    // Cancelled after the merge had already committed: the user said no, so remove what it wrote
    // (the destination did not exist when the export started).
    if (isExport && status == Status::Cancelled && result.canConvert<ExportOutcome>())
        removeOutput(result.value<ExportOutcome>());
    m_progress->setRange(0, 1000);
    m_progress->setValue(status == Status::Ok ? 1000 : 0);
    if (status == Status::Cancelled)
        setStatus(isExport ? tr("Export cancelled; nothing was written.") : tr("Evaluation cancelled."));
    else if (status == Status::Failed)
        setStatus(message, true);
    if (isExport && status == Status::Ok && result.canConvert<ExportOutcome>()) {
        m_outcome = result.value<ExportOutcome>();
        QString text =
            tr("Wrote %1 and its recipe %2.")
                .arg(QDir::toNativeSeparators(m_outcome.writtenPath), QFileInfo(m_outcome.recipePath).fileName());
        if (!m_outcome.warnings.isEmpty())
            text += QLatin1Char(' ') +
                    tr("%n warning(s); see the log.", nullptr, static_cast<int>(m_outcome.warnings.size()));
        if (!evaluationUnavailable(m_set))
            text += QLatin1Char(' ') + tr("Evaluate it on the test split?");
        setStatus(text);
    }
    if (!isExport && status == Status::Ok && result.canConvert<ExportEvaluation>())
        showEvaluation(result.value<ExportEvaluation>());
    updateControls();
    if (isExport)
        Q_EMIT exportEnded(status, message);
    else
        Q_EMIT evaluationEnded(status, message);
}

void ExportDialog::removeOutput(const ExportOutcome& outcome)
{
    const QFileInfo written(outcome.writtenPath);
    if (written.isDir())
        QDir(outcome.writtenPath).removeRecursively();
    else if (written.exists())
        QFile::remove(outcome.writtenPath);
    QFile::remove(outcome.recipePath);
}

void ExportDialog::showEvaluation(const ExportEvaluation& evaluation)
{
    m_evaluation = evaluation;
    m_results->setRowCount(static_cast<int>(evaluation.tasks.size()) + 1);
    auto setRow = [this](int row, const QString& name, double accuracy, qint64 samples, bool bold) {
        auto* nameItem = new QTableWidgetItem(name);
        auto* accItem = new QTableWidgetItem(QString::number(100.0 * accuracy, 'f', 1));
        auto* samplesItem = new QTableWidgetItem(QString::number(samples));
        accItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        samplesItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        for (QTableWidgetItem* item : {nameItem, accItem, samplesItem}) {
            QFont f = item->font();
            f.setBold(bold);
            item->setFont(f);
        }
        m_results->setItem(row, 0, nameItem);
        m_results->setItem(row, 1, accItem);
        m_results->setItem(row, 2, samplesItem);
    };
    qint64 total = 0;
    for (int i = 0; i < evaluation.tasks.size(); ++i) {
        setRow(i, evaluation.tasks[i], evaluation.accuracy[i], evaluation.samples[i], false);
        total += evaluation.samples[i];
    }
    setRow(static_cast<int>(evaluation.tasks.size()), tr("average"), evaluation.average, total, true);
    m_results->show();
    setStatus(tr("Test-split accuracy of %1: %2 % on average over %n task(s).", nullptr,
                 static_cast<int>(evaluation.tasks.size()))
                  .arg(QFileInfo(evaluation.checkpoint).fileName())
                  .arg(100.0 * evaluation.average, 0, 'f', 1));
}

} // namespace mergelab::gui
