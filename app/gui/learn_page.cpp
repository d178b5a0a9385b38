#include "learn_page.h"

#include "gui_job_runner.h"
#include "heatmap_widget.h"
#include "line_chart_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace mergelab::gui {

namespace {
const char* kChannel = "learn";

QSpinBox* spin(QWidget* parent, const QString& name)
{
    auto* s = new QSpinBox(parent);
    s->setAccessibleName(name);
    return s;
}

QDoubleSpinBox* doubleSpin(QWidget* parent, int decimals, const QString& name)
{
    auto* s = new QDoubleSpinBox(parent);
    s->setDecimals(decimals);
    s->setSingleStep(std::pow(10.0, -decimals + 1));
    s->setAccessibleName(name);
    return s;
}

// The core's ranges clamped to what a QSpinBox holds.
int toSpin(double v)
{
    return static_cast<int>(std::clamp(v, static_cast<double>(std::numeric_limits<int>::min()),
                                       static_cast<double>(std::numeric_limits<int>::max())));
}

// Range from the core's table for the method; the value becomes the method's default unless the
// user had changed it from the previous method's default (`before`).
void applyParam(QSpinBox* box, const LearnParam& p, const LearnParam& before)
{
    box->setEnabled(p.used);
    if (!p.used)
        return;
    const bool keep = before.used && box->value() != toSpin(before.defaultValue);
    box->setRange(toSpin(p.minExclusive ? p.minValue + 1 : p.minValue), toSpin(p.maxValue));
    if (!keep)
        box->setValue(toSpin(p.defaultValue));
}

void applyParam(QDoubleSpinBox* box, const LearnParam& p, const LearnParam& before)
{
    box->setEnabled(p.used);
    if (!p.used)
        return;
    const double step = std::pow(10.0, -box->decimals());
    const bool keep = before.used && std::abs(box->value() - before.defaultValue) > step / 2;
    box->setRange(p.minExclusive ? p.minValue + step : p.minValue, p.maxValue);
    if (!keep)
        box->setValue(p.defaultValue);
}

QColor taskColor(const ModelSet& set, int index)
{
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
    if (index < static_cast<int>(set.models.size()) && !set.models[static_cast<std::size_t>(index)].color.empty())
        return QColor(QString::fromStdString(set.models[static_cast<std::size_t>(index)].color));
    return palette[index % 8];
}
} // namespace

LearnPage::LearnPage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QHBoxLayout(this);
    auto* side = new QWidget(this);
    side->setMaximumWidth(300);
    auto* form = new QFormLayout(side);
    m_method = new QComboBox(side);
    m_method->setAccessibleName(tr("Learned merge method"));
    m_method->addItem(tr("Fisher merging"), QStringLiteral("fisher"));
    m_method->addItem(tr("RegMean"), QStringLiteral("regmean"));
    m_method->addItem(tr("AdaMerging, task-wise"), QStringLiteral("adamerging"));
    m_method->addItem(tr("AdaMerging, layer-wise"), QStringLiteral("adamerging-layerwise"));
    m_method->addItem(tr("WEMoE (weight-ensembling MoE)"), QStringLiteral("wemoe"));
    m_method->setCurrentIndex(2);
    form->addRow(tr("Method"), m_method);
    // Ranges and values come from the core's parameter table (onMethodChanged).
    m_samples = spin(side, tr("Samples per task"));
    form->addRow(tr("Samples"), m_samples);
    m_steps = spin(side, tr("Training steps"));
    form->addRow(tr("Steps"), m_steps);
    m_learningRate = doubleSpin(side, 6, tr("Learning rate"));
    form->addRow(tr("Learning rate"), m_learningRate);
    m_batch = spin(side, tr("Batch per task"));
    form->addRow(tr("Batch per task"), m_batch);
    m_seed = spin(side, tr("Seed"));
    form->addRow(tr("Seed"), m_seed);
    m_alpha = doubleSpin(side, 2, tr("RegMean alpha"));
    m_alpha->setToolTip(tr("RegMean: off-diagonal entries of each Gram matrix are scaled by alpha"));
    form->addRow(tr("α (RegMean)"), m_alpha);
    m_lambda = doubleSpin(side, 2, tr("Initial lambda"));
    m_lambda->setToolTip(tr("AdaMerging: initial coefficients; WEMoE: task-arithmetic λ and initial routing"));
    form->addRow(tr("λ"), m_lambda);
    // How often the chart gets validation points: a view choice, not a merge parameter.
    m_validateEvery = spin(side, tr("Validate every N steps"));
    m_validateEvery->setRange(0, 10000);
    m_validateEvery->setValue(10);
    form->addRow(tr("Validate every"), m_validateEvery);
    m_validationSamples = spin(side, tr("Validation samples per task"));
    form->addRow(tr("Validation samples"), m_validationSamples);
    auto* buttons = new QHBoxLayout;
    m_run = new QPushButton(tr("&Run"), side);
    m_run->setAccessibleName(tr("Run learned merge"));
    m_cancel = new QPushButton(tr("Cancel"), side);
    m_cancel->setAccessibleName(tr("Cancel learned merge"));
    m_export = new QPushButton(tr("&Export…"), side);
    m_export->setAccessibleName(tr("Export learned merge"));
    m_export->setToolTip(tr("Save the result: a .safetensors file, or a folder for WEMoE"));
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_export);
    form->addRow(buttons);
    m_status = new QLabel(tr("Open a model set to use this page."), side);
    m_status->setWordWrap(true);
    form->addRow(m_status);
    layout->addWidget(side);

    auto* views = new QWidget(this);
    auto* grid = new QGridLayout(views);
    grid->setContentsMargins(0, 0, 0, 0);
    m_lossChart = new widgets::LineChartView(views);
    m_lossChart->setAccessibleName(tr("Loss per step"));
    m_validationChart = new widgets::LineChartView(views);
    m_validationChart->setAccessibleName(tr("Validation accuracy per task"));
    auto* routingBox = new QWidget(views);
    auto* routingLayout = new QVBoxLayout(routingBox);
    routingLayout->setContentsMargins(0, 0, 0, 0);
    auto* layerRow = new QHBoxLayout;
    m_routingLayer = new QComboBox(routingBox);
    m_routingLayer->setAccessibleName(tr("Routing heatmap block"));
    layerRow->addWidget(new QLabel(tr("WEMoE routing, block"), routingBox));
    layerRow->addWidget(m_routingLayer, 1);
    routingLayout->addLayout(layerRow);
    m_routing = new widgets::HeatmapWidget(routingBox);
    m_routing->setAccessibleName(tr("Mean routing weight per input task and task vector"));
    m_routing->setColorBarTitle(tr("mean routing weight"));
    m_routing->setRange(0, 1);
    m_routing->setDecimals(2);
    routingLayout->addWidget(m_routing, 1);
    grid->addWidget(m_lossChart, 0, 0);
    grid->addWidget(m_validationChart, 0, 1);
    grid->addWidget(routingBox, 1, 0, 1, 2);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    layout->addWidget(views, 1);

    connect(m_method, qOverload<int>(&QComboBox::currentIndexChanged), this, &LearnPage::onMethodChanged);
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this,
            [this] { m_jobs->cancel(m_jobs->currentJob(QString::fromLatin1(kChannel))); });
    connect(m_export, &QPushButton::clicked, this, &LearnPage::chooseExportPath);
    connect(m_routingLayer, qOverload<int>(&QComboBox::currentIndexChanged), this, &LearnPage::redrawRouting);
    setRunning(false);
    m_run->setEnabled(false);
    onMethodChanged();
    redrawCharts();
    redrawRouting();
}

void LearnPage::setProject(const ProjectSummary& project)
{
    m_jobs->discard(QString::fromLatin1(kChannel)); // a run on the previous project is of no use
    ++m_generation;
    m_project = project;
    m_outcome.reset();
    m_loss.clear();
    m_validation.clear();
    m_lastRouting.clear();
    m_taskNames.clear();
    for (const ModelEntry& m : project.set.models)
        m_taskNames << QString::fromStdString(m.task.empty() ? m.name : m.task);
    const bool usable = project.set.architecture.type == "clip_vit" && !project.set.models.empty();
    setRunning(false);
    m_run->setEnabled(usable);
    m_status->setText(usable ? tr("Choose a method and press Run: it learns from the project's datasets.")
                             : tr("This page needs a project with a native ViT (clip_vit), heads and datasets."));
    redrawCharts();
    redrawRouting();
}

LearnSettings LearnPage::settings() const
{
    LearnSettings s;
    s.method = m_method->currentData().toString();
    // Only what the method uses; the spec resolves the rest.
    auto take = [&s](auto& field, const char* name, auto value) {
        if (learnParam(s.method, name).used)
            field = value;
    };
    take(s.samples, "samples", m_samples->value());
    take(s.steps, "steps", m_steps->value());
    take(s.learningRate, "lr", m_learningRate->value());
    take(s.batch, "batch", m_batch->value());
    take(s.seed, "seed", m_seed->value());
    take(s.alpha, "alpha", m_alpha->value());
    take(s.lambda, "lambda", m_lambda->value());
    s.validateEvery = m_validateEvery->value();
    take(s.validationSamples, "validation_samples", m_validationSamples->value());
    return s;
}

void LearnPage::setSettings(const LearnSettings& s)
{
    const int index = m_method->findData(s.method);
    if (index >= 0)
        m_method->setCurrentIndex(index);
    const QString method = m_method->currentData().toString();
    // A field left unset takes the method's default; editors the method does not use stay as they are.
    auto put = [&method](auto* box, const auto& field, const char* name) {
        const LearnParam p = learnParam(method, name);
        using Value = decltype(box->value());
        if (field)
            box->setValue(static_cast<Value>(*field));
        else if (p.used)
            box->setValue(static_cast<Value>(p.defaultValue));
    };
    put(m_samples, s.samples, "samples");
    put(m_steps, s.steps, "steps");
    put(m_learningRate, s.learningRate, "lr");
    put(m_batch, s.batch, "batch");
    put(m_seed, s.seed, "seed");
    put(m_alpha, s.alpha, "alpha");
    put(m_lambda, s.lambda, "lambda");
    m_validateEvery->setValue(s.validateEvery);
    put(m_validationSamples, s.validationSamples, "validation_samples");
}

void LearnPage::onMethodChanged()
{
    const QString method = m_method->currentData().toString();
    const QString before = m_editorsMethod;
    m_editorsMethod = method;
    auto apply = [&](auto* box, const char* name) {
        applyParam(box, learnParam(method, name), learnParam(before, name));
    };
    apply(m_samples, "samples");
    apply(m_steps, "steps");
    apply(m_learningRate, "lr");
    apply(m_batch, "batch");
    apply(m_seed, "seed");
    apply(m_alpha, "alpha");
    apply(m_lambda, "lambda");
    apply(m_validationSamples, "validation_samples");
    m_validateEvery->setEnabled(learnParam(method, "validation_samples").used);
    m_samples->setSpecialValueText(m_samples->minimum() == 0 ? tr("all") : QString());
    m_samples->setToolTip(learnParam(method, "samples").help);
}

bool LearnPage::run()
{
    if (!m_run->isEnabled() || m_project.set.models.empty())
        return false;
    const LearnSettings s = settings();
    const quint64 generation = ++m_generation;
    m_outcome.reset();
    m_loss.clear();
    m_validation.assign(static_cast<std::size_t>(m_taskNames.size()), {});
    m_lastRouting.clear();
    m_routingLayers = 0;
    redrawCharts();
    redrawRouting();
    QPointer<LearnPage> self(this);
    // Steps arrive on the job's thread; the page takes them on the GUI thread, dropping those of a
    // superseded run (generation).
    auto onStep = [self, generation](const LearnStep& step) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, step] {
                if (self)
                    self->onStep(generation, step);
            },
            Qt::QueuedConnection);
    };
    m_jobs->start<std::shared_ptr<LearnOutcome>>(
        tr("Learned merge: %1").arg(m_method->currentText()), QString::fromLatin1(kChannel),
        learnWork(m_project.set, s, onStep), this,
        [this](const JobOutcome<std::shared_ptr<LearnOutcome>>& outcome) { onRunEnded(outcome); });
    setRunning(true);
    m_status->setText(tr("Running %1…").arg(m_method->currentText()));
    return true;
}

void LearnPage::onRunEnded(const JobOutcome<std::shared_ptr<LearnOutcome>>& outcome)
{
    setRunning(false);
    if (outcome.ok()) {
        m_outcome = *outcome.result;
        m_status->setText(tr("Done: %1 steps. Export saves the result.").arg(m_loss.size()));
    } else {
        m_status->setText(outcome.status == Status::Cancelled ? tr("Cancelled.")
                                                              : tr("Failed: %1").arg(outcome.message));
    }
    m_export->setEnabled(m_outcome != nullptr);
    Q_EMIT runEnded(outcome.status == Status::Ok);
}

void LearnPage::onStep(quint64 generation, const LearnStep& step)
{
    if (generation != m_generation)
        return;
    m_loss.append(QPointF(step.step, step.loss));
    if (!step.validation.empty()) {
        m_validation.resize(std::max(m_validation.size(), step.validation.size()));
        for (std::size_t i = 0; i < step.validation.size(); ++i)
            m_validation[i].append(QPointF(step.step, 100.0 * step.validation[i]));
    }
    if (!step.routing.empty()) {
        m_lastRouting = step.routing;
        m_routingLayers = step.routingLayers;
        redrawRouting();
    }
    m_status->setText(tr("Step %1 of %2, loss %3").arg(step.step).arg(step.steps).arg(step.loss, 0, 'f', 4));
    redrawCharts();
}

int LearnPage::validationPointCount() const
{
    int n = 0;
    for (const auto& line : m_validation)
        n += static_cast<int>(line.size());
    return n;
}

void LearnPage::redrawCharts()
{
    widgets::ChartLine loss{tr("mean entropy"), QColor(0x1f, 0x77, 0xb4), m_loss};
    m_lossChart->setLines(tr("Loss per step"), tr("step"), tr("entropy (nats)"), {loss}, true, m_loss.size() < 60);
    QList<widgets::ChartLine> lines;
    for (std::size_t i = 0; i < m_validation.size(); ++i)
        lines << widgets::ChartLine{i < static_cast<std::size_t>(m_taskNames.size()) ? m_taskNames[static_cast<int>(i)]
                                                                                     : tr("task %1").arg(i + 1),
                                    taskColor(m_project.set, static_cast<int>(i)), m_validation[i]};
    m_validationChart->setLines(tr("Validation accuracy per task"), tr("step"), tr("accuracy (%)"), lines, true);
}

void LearnPage::redrawRouting()
{
    const int layers = m_routingLayers;
    if (m_routingLayer->count() != layers) {
        const QSignalBlocker block(m_routingLayer);
        m_routingLayer->clear();
        for (int l = 0; l < layers; ++l)
            m_routingLayer->addItem(tr("block %1").arg(l));
        m_routingLayer->setCurrentIndex(layers > 0 ? layers - 1 : -1);
    }
    m_routingLayer->setEnabled(layers > 0);
    const int layer = m_routingLayer->currentIndex();
    std::vector<std::vector<double>> matrix;
    if (layer >= 0 && !m_lastRouting.empty()) {
        const std::size_t experts = m_lastRouting.front().size() / static_cast<std::size_t>(layers);
        for (const std::vector<double>& perTask : m_lastRouting)
            matrix.emplace_back(
                perTask.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(layer) * experts),
                perTask.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(layer + 1) * experts));
    }
    QStringList columns;
    for (const QString& t : m_taskNames)
        columns << tr("τ %1").arg(t);
    m_routing->setTitle(matrix.empty() ? tr("WEMoE routing (appears at validation steps of a WEMoE run)")
                                       : tr("Mean routing weight, block %1: input task × task vector").arg(layer));
    m_routing->setMatrix(matrix, matrix.empty() ? QStringList() : m_taskNames,
                         matrix.empty() ? QStringList() : columns);
}

void LearnPage::chooseExportPath()
{
    if (!m_outcome)
        return;
    const QString path = m_outcome->isWeMoe() ? QFileDialog::getSaveFileName(this, tr("Export WEMoE model (folder)"),
                                                                             QString(), tr("WEMoE folder (*)"))
                                              : QFileDialog::getSaveFileName(this, tr("Export merged model"), QString(),
                                                                             tr("safetensors (*.safetensors)"));
    if (!path.isEmpty())
        exportTo(path);
}

void LearnPage::exportTo(const QString& path)
{
    if (!m_outcome)
        return;
    // What the export may remove again: only a destination it created itself.
    const bool existedBefore = QFileInfo::exists(path);
    m_jobs->start(tr("Export %1").arg(path), QStringLiteral("learn-export"), exportLearnedWork(m_outcome, path), this,
                  [this, path, existedBefore](Status status, const QString& message, const QVariant& result) {
                      // Cancelled after the work had written its output (the result carries the path):
                      // the user said no, so what this export created goes again.
                      if (status == Status::Cancelled && result.isValid() && !existedBefore) {
                          std::error_code ec;
                          std::filesystem::remove_all(std::filesystem::path(path.toStdString()), ec);
                      }
                      if (status == Status::Ok) {
                          m_status->setText(tr("Exported %1").arg(path));
                          Q_EMIT exported(path);
                      } else if (status == Status::Cancelled) {
                          m_status->setText(tr("Export cancelled."));
                      } else {
                          m_status->setText(tr("Export failed: %1").arg(message));
                      }
                  });
}

void LearnPage::setRunning(bool running)
{
    m_run->setEnabled(!running && m_project.set.architecture.type == "clip_vit");
    m_cancel->setEnabled(running);
    m_export->setEnabled(!running && m_outcome != nullptr);
    m_method->setEnabled(!running);
}

} // namespace mergelab::gui
