#include "diagnostics_page.h"

#include "heatmap_widget.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QPushButton>
#include <QSpinBox>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

QStringList toStrings(const std::vector<std::string>& names)
{
    QStringList out;
    for (const std::string& n : names)
        out << QString::fromStdString(n);
    return out;
}

QStringList coefficientLabels(const std::vector<double>& alphas)
{
    QStringList out;
    for (double a : alphas)
        out << QString::number(a, 'g', 3);
    return out;
}

} // namespace

DiagnosticsPage::DiagnosticsPage(GuiJobRunner* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs)
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_rho = new QDoubleSpinBox(this);
    m_rho->setRange(0.0, 2.0);
    m_rho->setDecimals(3);
    m_rho->setSingleStep(0.01);
    m_rho->setValue(0.05);
    m_rho->setAccessibleName(tr("Sharpness radius rho"));
    m_rho->setToolTip(tr("Radius of the normalised ascent step that measures sharpness"));
    m_alpha = new QDoubleSpinBox(this);
    m_alpha->setRange(0.0, 2.0);
    m_alpha->setDecimals(2);
    m_alpha->setSingleStep(0.05);
    m_alpha->setValue(0.3);
    m_alpha->setAccessibleName(tr("Task-vector coefficient alpha"));
    m_alpha->setToolTip(tr("Coefficient of every task vector when measuring the disentanglement error"));
    m_limit = new QSpinBox(this);
    m_limit->setRange(16, 100000);
    m_limit->setSingleStep(64);
    m_limit->setValue(256);
    m_limit->setAccessibleName(tr("Samples per task"));
    m_compute = new QPushButton(tr("&Compute"), this);
    m_compute->setEnabled(false);
    m_compute->setToolTip(tr("Measure sharpness and disentanglement error of the project's fine-tunes"));
    m_status = new QLabel(tr("Open a model set to see how well its fine-tunes will merge."), this);
    m_status->setWordWrap(true);
    bar->addWidget(new QLabel(tr("ρ:"), this));
    bar->addWidget(m_rho);
    bar->addWidget(new QLabel(tr("α:"), this));
    bar->addWidget(m_alpha);
    bar->addWidget(new QLabel(tr("Samples per task:"), this));
    bar->addWidget(m_limit);
    bar->addWidget(m_compute);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);

    auto* grid = new QGridLayout;
    m_sharpness = new QChartView(new QChart, this);
    m_sharpness->setRenderHint(QPainter::Antialiasing, true);
    m_sharpness->chart()->setAnimationOptions(QChart::NoAnimation);
    m_sharpness->chart()->legend()->hide();
    m_sharpness->chart()->setTitle(tr("Sharpness per fine-tune"));
    m_sharpness->chart()->setMargins(QMargins(4, 4, 4, 4));
    m_sharpness->setAccessibleName(tr("Sharpness per fine-tune"));
    m_sharpness->setMinimumSize(240, 180);
    m_disentanglement = new widgets::HeatmapWidget(this);
    m_disentanglement->setTitle(tr("Weight-disentanglement error (%)"));
    m_disentanglement->setColorBarTitle(tr("predictions changed (%)"));
    m_disentanglement->setDecimals(1);
    m_disentanglement->setRange(0, 100);
    m_disentanglement->setAccessibleName(tr("Weight-disentanglement error matrix"));
    grid->addWidget(m_sharpness, 0, 0);
    grid->addWidget(m_disentanglement, 0, 1);

    auto* surfaceBox = new QWidget(this);
    auto* surfaceLayout = new QVBoxLayout(surfaceBox);
    surfaceLayout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    m_taskA = new QComboBox(surfaceBox);
    m_taskA->setAccessibleName(tr("First task of the surface"));
    m_taskB = new QComboBox(surfaceBox);
    m_taskB->setAccessibleName(tr("Second task of the surface"));
    m_metric = new QComboBox(surfaceBox);
    m_metric->addItem(tr("Accuracy"));
    m_metric->addItem(tr("Loss"));
    m_metric->setAccessibleName(tr("Surface metric"));
    m_step = new QDoubleSpinBox(surfaceBox);
    m_step->setRange(0.05, 1.0);
    m_step->setSingleStep(0.05);
    m_step->setValue(0.25);
    m_step->setAccessibleName(tr("Coefficient step"));
    m_computeSurface = new QPushButton(tr("Compute &surface"), surfaceBox);
    m_computeSurface->setEnabled(false);
    m_surfaceStatus = new QLabel(surfaceBox);
    controls->addWidget(new QLabel(tr("Surface over"), surfaceBox));
    controls->addWidget(m_taskA);
    controls->addWidget(new QLabel(tr("and"), surfaceBox));
    controls->addWidget(m_taskB);
    controls->addWidget(new QLabel(tr("step"), surfaceBox));
    controls->addWidget(m_step);
    controls->addWidget(m_metric);
    controls->addWidget(m_computeSurface);
    controls->addWidget(m_surfaceStatus, 1);
    surfaceLayout->addLayout(controls);
    m_surface = new widgets::HeatmapWidget(surfaceBox);
    m_surface->setAccessibleName(tr("Loss or accuracy over two task coefficients"));
    surfaceLayout->addWidget(m_surface, 1);
    grid->addWidget(surfaceBox, 1, 0, 1, 2);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid, 1);

    connect(m_compute, &QPushButton::clicked, this, &DiagnosticsPage::computeDiagnostics);
    connect(m_computeSurface, &QPushButton::clicked, this, &DiagnosticsPage::computeSurface);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] { showSurface(); });
}

void DiagnosticsPage::onJobEnded(bool surface, const JobOutcome<DiagnosticsReport>& outcome)
{
    (surface ? m_computeSurface : m_compute)->setEnabled(true);
    if (outcome.ok()) {
        if (surface) {
            setSurface(*outcome.result);
            Q_EMIT surfaceFinished();
        } else {
            setDiagnostics(*outcome.result);
            Q_EMIT diagnosticsFinished();
        }
        return;
    }
    (surface ? m_surfaceStatus : m_status)
        ->setText(outcome.status == Status::Cancelled ? tr("Cancelled.") : outcome.message);
}

void DiagnosticsPage::setProject(const ProjectSummary& project)
{
    m_project = project;
    m_diagnostics = {};
    m_surfaceReport = {};
    QStringList tasks;
    for (const ModelEntry& m : project.set.models)
        tasks << QString::fromStdString(m.task.empty() ? m.name : m.task);
    m_taskA->clear();
    m_taskB->clear();
    m_taskA->addItems(tasks);
    m_taskB->addItems(tasks);
    if (tasks.size() > 1)
        m_taskB->setCurrentIndex(1);
    const bool usable =
        !project.set.models.empty() && !project.set.architecture.type.empty() && !project.set.tasks.empty();
    m_compute->setEnabled(usable);
    m_computeSurface->setEnabled(usable && tasks.size() > 1);
    if (!usable) {
        m_status->setText(tr("This project needs fine-tuned models, an architecture and task data for diagnostics."));
        return;
    }
    computeDiagnostics();
    if (tasks.size() > 1)
        computeSurface();
}

void DiagnosticsPage::computeDiagnostics()
{
    DiagnosticsOptions o;
    o.rho = m_rho->value();
    o.alpha = m_alpha->value();
    o.limit = m_limit->value();
    o.sharpness = true;
    o.disentanglement = true;
    m_compute->setEnabled(false);
    m_status->setText(tr("Measuring sharpness and disentanglement of %1 fine-tunes…").arg(m_project.set.models.size()));
    m_diagnosticsJob = m_jobs->start<DiagnosticsReport>(
        tr("Mergeability diagnostics of %1").arg(QString::fromStdString(m_project.set.name)),
        QStringLiteral("diagnostics"), diagnosticsWork(m_project.set, o), this,
        [this](const JobOutcome<DiagnosticsReport>& outcome) { onJobEnded(false, outcome); });
}

void DiagnosticsPage::computeSurface()
{
    if (m_taskA->currentText() == m_taskB->currentText()) {
        m_surfaceStatus->setText(tr("Choose two different tasks."));
        return;
    }
    DiagnosticsOptions o;
    o.limit = m_limit->value();
    o.sharpness = false;
    o.disentanglement = false;
    o.surfaceA = m_taskA->currentText().toStdString();
    o.surfaceB = m_taskB->currentText().toStdString();
    o.grid.clear();
    const double step = m_step->value();
    for (int i = 0; i * step <= 1.0 + 1e-9; ++i)
        o.grid.push_back(i * step);
    m_computeSurface->setEnabled(false);
    m_surfaceStatus->setText(tr("Evaluating %1 points…").arg(o.grid.size() * o.grid.size()));
    m_jobs->start<DiagnosticsReport>(
        tr("Coefficient surface %1 × %2").arg(m_taskA->currentText(), m_taskB->currentText()),
        QStringLiteral("diagnostics-surface"), diagnosticsWork(m_project.set, o), this,
        [this](const JobOutcome<DiagnosticsReport>& outcome) { onJobEnded(true, outcome); });
}

void DiagnosticsPage::setDiagnostics(const DiagnosticsReport& report)
{
    m_diagnostics = report;
    m_compute->setEnabled(!m_project.set.models.empty());
    // Sharpness bars.
    QChart* chart = m_sharpness->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis), delete axis;
    auto* set = new QBarSet(tr("sharpness"));
    QStringList names;
    double top = 0;
    for (const ModelSharpness& m : report.sharpness) {
        *set << m.result.sharpness;
        names << QString::fromStdString(m.model);
        top = std::max(top, m.result.sharpness);
    }
    set->setColor(QColor(0x1f, 0x77, 0xb4));
    auto* series = new QBarSeries(chart);
    series->append(set);
    series->setLabelsVisible(true);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPrecision(3);
    chart->addSeries(series);
    auto* axisX = new QBarCategoryAxis(chart);
    axisX->append(names);
    auto* axisY = new QValueAxis(chart);
    axisY->setRange(0, top > 0 ? top * 1.15 : 1.0);
    axisY->setTitleText(tr("loss rise at ρ = %1").arg(report.rho));
    axisY->setLabelFormat(QStringLiteral("%.3f"));
    chart->addAxis(axisX, Qt::AlignBottom);
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisX);
    series->attachAxis(axisY);
    chart->setTitle(tr("Sharpness per fine-tune on its task (ρ = %1)").arg(report.rho));

    // Disentanglement: pairs, plus a column for all tasks together.
    if (report.disentanglement) {
        const DisentanglementReport& d = *report.disentanglement;
        std::vector<std::vector<double>> matrix;
        double maxValue = 0;
        for (std::size_t i = 0; i < d.tasks.size(); ++i) {
            std::vector<double> row;
            for (std::size_t j = 0; j < d.tasks.size(); ++j)
                row.push_back(i == j ? std::nan("") : 100.0 * d.pairs[i][j]);
            row.push_back(100.0 * d.all[i]);
            for (double v : row)
                if (std::isfinite(v))
                    maxValue = std::max(maxValue, v);
            matrix.push_back(row);
        }
        QStringList columns = toStrings(d.tasks);
        columns << tr("all");
        m_disentanglement->setRange(0, std::max(1.0, std::ceil(maxValue)));
        m_disentanglement->setTitle(tr("Weight-disentanglement error (%) at α = %1").arg(report.alpha));
        m_disentanglement->setMatrix(matrix, toStrings(d.tasks), columns);
        m_status->setText(
            tr("Mean sharpness %1 · disentanglement error: pairs %2%, all tasks %3% · %4 samples per task (%5)")
                .arg(
                    [&] {
                        double s = 0;
                        for (const ModelSharpness& m : report.sharpness)
                            s += m.result.sharpness;
                        return report.sharpness.empty() ? 0.0 : s / double(report.sharpness.size());
                    }(),
                    0, 'f', 4)
                .arg(100.0 * d.pairMean, 0, 'f', 1)
                .arg(100.0 * d.allMean, 0, 'f', 1)
                .arg(report.limit)
                .arg(QString::fromStdString(report.split)));
    }
}

void DiagnosticsPage::setSurface(const DiagnosticsReport& report)
{
    m_surfaceReport = report;
    m_computeSurface->setEnabled(true);
    showSurface();
}

void DiagnosticsPage::showSurface()
{
    if (!m_surfaceReport.surface)
        return;
    const CoefficientSurface& s = *m_surfaceReport.surface;
    const bool accuracy = m_metric->currentIndex() == 0;
    std::vector<std::vector<double>> matrix;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& row : accuracy ? s.accuracy : s.loss) {
        std::vector<double> r;
        for (double v : row) {
            r.push_back(accuracy ? 100.0 * v : v);
            lo = std::min(lo, r.back());
            hi = std::max(hi, r.back());
        }
        matrix.push_back(r);
    }
    const QString a = QString::fromStdString(s.taskA), b = QString::fromStdString(s.taskB);
    m_surface->setDecimals(accuracy ? 1 : 3);
    m_surface->setRange(lo, hi > lo ? hi : lo + 1);
    m_surface->setColorBarTitle(accuracy ? tr("accuracy (%)") : tr("loss"));
    m_surface->setTitle(
        accuracy ? tr("Mean accuracy on %1 and %2 (%) at base + a·τ(%1) + b·τ(%2); rows a, columns b").arg(a, b)
                 : tr("Mean loss on %1 and %2 at base + a·τ(%1) + b·τ(%2); rows a, columns b").arg(a, b));
    m_surface->setMatrix(matrix, coefficientLabels(s.alphasA), coefficientLabels(s.alphasB));
    m_surfaceStatus->setText(tr("%1 points").arg(s.alphasA.size() * s.alphasB.size()));
}

} // namespace mergelab::gui
