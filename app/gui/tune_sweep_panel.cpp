#include "tune_sweep_panel.h"

#include "heatmap_widget.h"
#include "line_chart_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mergelab::gui {

namespace {

// One point at a time: stopping (or a new sweep) supersedes the point being evaluated.
const QString kSweepChannel = QStringLiteral("tune-sweep");

QDoubleSpinBox* valueBox(QWidget* parent, double value, const QString& name)
{
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(-100, 100);
    box->setDecimals(3);
    box->setSingleStep(0.05);
    box->setValue(value);
    box->setAccessibleName(name);
    return box;
}

QString axisLabel(double v)
{
    return QString::number(v, 'g', 3);
}

} // namespace

TuneSweepPanel::TuneSweepPanel(GuiJobRunner* jobs, StateGetter currentState, QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_currentState(std::move(currentState))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* tabs = new QTabWidget(this);

    auto* line = new QWidget(tabs);
    auto* lineLayout = new QVBoxLayout(line);
    auto* lineBar = new QHBoxLayout;
    m_parameter = new QComboBox(line);
    m_parameter->setAccessibleName(tr("Swept parameter"));
    m_parameter->setMinimumContentsLength(14);
    m_from = valueBox(line, 0.0, tr("Sweep from"));
    m_to = valueBox(line, 1.0, tr("Sweep to"));
    m_step = valueBox(line, 0.1, tr("Sweep step"));
    m_step->setMinimum(0.001);
    m_runLine = new QPushButton(tr("Run sweep"), line);
    m_runLine->setAccessibleName(tr("Run sweep"));
    lineBar->addWidget(new QLabel(tr("Parameter:"), line));
    lineBar->addWidget(m_parameter, 1);
    lineBar->addWidget(new QLabel(tr("from"), line));
    lineBar->addWidget(m_from);
    lineBar->addWidget(new QLabel(tr("to"), line));
    lineBar->addWidget(m_to);
    lineBar->addWidget(new QLabel(tr("step"), line));
    lineBar->addWidget(m_step);
    lineBar->addWidget(m_runLine);
    lineLayout->addLayout(lineBar);
    m_lines = new widgets::LineChartView(line);
    m_lines->setLines(tr("1-D sweep: choose a parameter and run"), tr("parameter value"), tr("accuracy (%)"), {});
    lineLayout->addWidget(m_lines, 1);
    tabs->addTab(line, tr("1-D sweep"));

    auto* grid = new QWidget(tabs);
    auto* gridLayout = new QVBoxLayout(grid);
    auto* gridBar = new QHBoxLayout;
    m_gridA = new QComboBox(grid);
    m_gridA->setAccessibleName(tr("Grid columns: task"));
    m_gridB = new QComboBox(grid);
    m_gridB->setAccessibleName(tr("Grid rows: task"));
    m_gridFrom = valueBox(grid, 0.0, tr("Grid from"));
    m_gridTo = valueBox(grid, 1.0, tr("Grid to"));
    m_gridSteps = new QSpinBox(grid);
    m_gridSteps->setRange(2, 21);
    m_gridSteps->setValue(5);
    m_gridSteps->setAccessibleName(tr("Grid values per axis"));
    m_runGrid = new QPushButton(tr("Run grid"), grid);
    m_runGrid->setAccessibleName(tr("Run grid"));
    gridBar->addWidget(new QLabel(tr("Columns:"), grid));
    gridBar->addWidget(m_gridA, 1);
    gridBar->addWidget(new QLabel(tr("rows:"), grid));
    gridBar->addWidget(m_gridB, 1);
    gridBar->addWidget(new QLabel(tr("weights"), grid));
    gridBar->addWidget(m_gridFrom);
    gridBar->addWidget(new QLabel(tr("to"), grid));
    gridBar->addWidget(m_gridTo);
    gridBar->addWidget(new QLabel(tr("values"), grid));
    gridBar->addWidget(m_gridSteps);
    gridBar->addWidget(m_runGrid);
    gridLayout->addLayout(gridBar);
    m_heatmap = new widgets::HeatmapWidget(grid);
    m_heatmap->setTitle(tr("2-D grid: choose two tasks and run"));
    m_heatmap->setColorBarTitle(tr("average accuracy (%)"));
    m_heatmap->setDecimals(1);
    gridLayout->addWidget(m_heatmap, 1);
    tabs->addTab(grid, tr("2-D grid"));
    layout->addWidget(tabs, 1);

    auto* bottom = new QHBoxLayout;
    m_status = new QLabel(tr("Sweeps evaluate one merge per point on the quick validation subset."), this);
    m_status->setWordWrap(true);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setAccessibleName(tr("Stop the sweep"));
    m_stop->setEnabled(false);
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_stop);
    layout->addLayout(bottom);

    connect(m_parameter, &QComboBox::currentIndexChanged, this, [this] {
        // Sensible ranges: densities in (0, 1], coefficients 0..1.
        const QString key = m_parameter->currentData().toString();
        const bool density = key.endsWith(QLatin1String("density"));
        m_from->setValue(density ? 0.1 : 0.0);
        m_to->setValue(1.0);
        m_step->setValue(0.1);
    });
    connect(m_runLine, &QPushButton::clicked, this, [this] {
        startSweep(m_parameter->currentData().toString(), m_from->value(), m_to->value(), m_step->value());
    });
    connect(m_runGrid, &QPushButton::clicked, this, [this] {
        startGrid(m_gridA->currentIndex(), m_gridB->currentIndex(), m_gridFrom->value(), m_gridTo->value(),
                  m_gridSteps->value());
    });
    connect(m_stop, &QPushButton::clicked, this, &TuneSweepPanel::stop);
    connect(m_lines, &widgets::LineChartView::pointClicked, this, [this](double x) {
        if (m_mode != Mode::Line || m_axis.empty())
            return;
        const auto nearest = std::min_element(m_axis.begin(), m_axis.end(),
                                              [x](double a, double b) { return std::abs(a - x) < std::abs(b - x); });
        Q_EMIT applyRequested(pointState(static_cast<int>(nearest - m_axis.begin())));
    });
    connect(m_heatmap, &widgets::HeatmapWidget::cellClicked, this, [this](int row, int column) {
        if (m_mode == Mode::Grid)
            Q_EMIT applyRequested(pointState(row * static_cast<int>(m_axis.size()) + column));
    });
    setSetup({}, {}, {});
}

void TuneSweepPanel::setSetup(const TuneSetup& setup, const QStringList& modelNames,
                              const QHash<QString, QColor>& taskColors)
{
    stop();
    m_setup = setup;
    m_modelNames = modelNames;
    m_taskColors = taskColors;
    m_gridA->clear();
    m_gridB->clear();
    m_gridA->addItems(modelNames);
    m_gridB->addItems(modelNames);
    m_gridB->setCurrentIndex(std::min(1, static_cast<int>(modelNames.size()) - 1));
    refreshParameters();
    m_runLine->setEnabled(setup.valid());
    m_runGrid->setEnabled(setup.valid() && modelNames.size() >= 2);
}

void TuneSweepPanel::refreshParameters()
{
    const QString previous = m_parameter->currentData().toString();
    const QSignalBlocker block(m_parameter);
    m_parameter->clear();
    const TuneState state = m_currentState ? m_currentState() : TuneState{};
    const MergeMethod* method = findMethod(state.method);
    if (method) {
        for (const ParamDef& def : method->params()) {
            if (def.boolean)
                continue;
            const QString name = QString::fromStdString(def.name);
            if (!def.perModel) {
                m_parameter->addItem(name, QStringLiteral("g:") + name);
                continue;
            }
            m_parameter->addItem(tr("%1 (all tasks)").arg(name), QStringLiteral("a:") + name);
            if (def.name == "weight")
                for (int i = 0; i < m_modelNames.size(); ++i)
                    m_parameter->addItem(tr("weight of %1").arg(m_modelNames[i]), QStringLiteral("m:%1:weight").arg(i));
        }
    }
    const int index = m_parameter->findData(previous);
    m_parameter->setCurrentIndex(index >= 0 ? index : 0);
}

TuneState TuneSweepPanel::withValue(TuneState state, const QString& key, double value) const
{
    const QStringList parts = key.split(QLatin1Char(':'));
    if (parts.size() == 2 && parts[0] == QLatin1String("g")) {
        state.global[parts[1].toStdString()] = value;
    } else if (parts.size() == 2 && parts[0] == QLatin1String("a")) {
        for (auto& values : state.perModel)
            values[parts[1].toStdString()] = value;
    } else if (parts.size() == 3 && parts[0] == QLatin1String("m")) {
        const int task = parts[1].toInt();
        if (task >= 0 && task < static_cast<int>(state.perModel.size()))
            state.perModel[static_cast<std::size_t>(task)][parts[2].toStdString()] = value;
    }
    return state;
}

TuneState TuneSweepPanel::pointState(int index) const
{
    return index >= 0 && index < static_cast<int>(m_points.size()) ? m_points[static_cast<std::size_t>(index)]
                                                                   : m_origin;
}

bool TuneSweepPanel::startSweep(const QString& key, double from, double to, double step)
{
    if (!m_setup.valid() || key.isEmpty() || !(step > 0) || to < from) {
        m_status->setText(tr("Choose a parameter and a range with from ≤ to and a positive step."));
        return false;
    }
    stop();
    m_mode = Mode::Line;
    m_key = key;
    m_origin = m_currentState();
    m_axis.clear();
    m_points.clear();
    m_done.clear();
    const int count = static_cast<int>(std::floor((to - from) / step + 1e-9)) + 1;
    for (int i = 0; i < count && i < 201; ++i) {
        const double v = from + i * step;
        m_axis.push_back(std::round(v * 1e9) / 1e9);
        m_points.push_back(withValue(m_origin, key, m_axis.back()));
    }
    for (const TuneState& point : m_points)
        if (const QString problem = stateProblem(point); !problem.isEmpty()) {
            m_status->setText(tr("Cannot sweep: %1").arg(problem));
            m_mode = Mode::None;
            m_points.clear();
            return false;
        }
    redraw();
    runNext();
    return true;
}

bool TuneSweepPanel::startGrid(int taskA, int taskB, double from, double to, int steps)
{
    const int models = static_cast<int>(m_currentState().perModel.size());
    if (!m_setup.valid() || taskA < 0 || taskB < 0 || taskA == taskB || taskA >= models || taskB >= models ||
        steps < 2 || to <= from) {
        m_status->setText(tr("Choose two different tasks and a range with from < to."));
        return false;
    }
    stop();
    m_mode = Mode::Grid;
    m_taskA = taskA;
    m_taskB = taskB;
    m_origin = m_currentState();
    m_axis.clear();
    m_points.clear();
    m_done.clear();
    for (int i = 0; i < steps; ++i)
        m_axis.push_back(std::round((from + (to - from) * i / (steps - 1)) * 1e9) / 1e9);
    const QString keyA = QStringLiteral("m:%1:weight").arg(taskA), keyB = QStringLiteral("m:%1:weight").arg(taskB);
    for (double b : m_axis)
        for (double a : m_axis)
            m_points.push_back(withValue(withValue(m_origin, keyA, a), keyB, b));
    if (const QString problem = stateProblem(m_points.front()); !problem.isEmpty()) {
        m_status->setText(tr("Cannot run the grid: %1").arg(problem));
        m_mode = Mode::None;
        m_points.clear();
        return false;
    }
    redraw();
    runNext();
    return true;
}

void TuneSweepPanel::stop()
{
    m_jobs->discard(kSweepChannel);
    setRunning(false);
}

bool TuneSweepPanel::running() const
{
    return m_jobs->currentJob(kSweepChannel) != 0;
}

void TuneSweepPanel::setRunning(bool running)
{
    m_stop->setEnabled(running);
    Q_EMIT runningChanged(running);
}

void TuneSweepPanel::runNext()
{
    const std::size_t next = m_done.size();
    if (next >= m_points.size()) {
        setRunning(false);
        m_status->setText(tr("Done: %1 points.").arg(m_points.size()));
        return;
    }
    m_status->setText(tr("Evaluating point %1 of %2…").arg(next + 1).arg(m_points.size()));
    m_jobs->start<TuneOutcome>(tr("Sweep point %1 of %2").arg(next + 1).arg(m_points.size()), kSweepChannel,
                               tuneEvaluateWork(m_setup, m_points[next], false), this,
                               [this](const JobOutcome<TuneOutcome>& outcome) { onPointEnded(outcome); });
    setRunning(true);
}

void TuneSweepPanel::onPointEnded(const JobOutcome<TuneOutcome>& outcome)
{
    if (!outcome.ok()) {
        m_status->setText(outcome.status == Status::Cancelled
                              ? tr("Sweep stopped after %1 of %2 points.").arg(m_done.size()).arg(m_points.size())
                              : tr("Sweep failed: %1").arg(outcome.message));
        setRunning(false);
        return;
    }
    m_done.push_back(outcome.result->result);
    redraw();
    runNext(); // started inside the job's callback, so the runner never looks idle between points
}

void TuneSweepPanel::redraw()
{
    if (m_mode == Mode::Line) {
        QList<widgets::ChartLine> lines;
        const std::size_t tasks = m_done.empty() ? 0 : m_done.front().tasks.size();
        for (std::size_t t = 0; t < tasks; ++t) {
            const QString name = QString::fromStdString(m_done.front().tasks[t].name);
            widgets::ChartLine line{name, m_taskColors.value(name), {}};
            for (std::size_t k = 0; k < m_done.size(); ++k)
                line.points << QPointF(m_axis[k], 100.0 * m_done[k].tasks[t].accuracy);
            lines << line;
        }
        if (tasks) {
            widgets::ChartLine average{tr("average"), QColor(0x20, 0x20, 0x20), {}};
            for (std::size_t k = 0; k < m_done.size(); ++k)
                average.points << QPointF(m_axis[k], 100.0 * m_done[k].average());
            lines << average;
        }
        const QString name = m_parameter->itemText(std::max(0, m_parameter->findData(m_key)));
        m_lines->setLines(
            tr("Accuracy while sweeping %1 (%2 of %3 points)").arg(name).arg(m_done.size()).arg(m_points.size()), name,
            tr("accuracy (%)"), lines);
        return;
    }
    if (m_mode == Mode::Grid) {
        const std::size_t n = m_axis.size();
        std::vector<std::vector<double>> values(n, std::vector<double>(n, std::nan("")));
        double lo = 100, hi = 0;
        for (std::size_t k = 0; k < m_done.size(); ++k) {
            const double v = 100.0 * m_done[k].average();
            values[k / n][k % n] = v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        QStringList labels;
        for (double v : m_axis)
            labels << axisLabel(v);
        m_heatmap->setTitle(tr("Average accuracy (%): columns = weight of %1, rows = weight of %2")
                                .arg(m_modelNames.value(m_taskA), m_modelNames.value(m_taskB)));
        m_heatmap->setRange(m_done.empty() ? 0.0 : std::floor(lo), m_done.empty() ? 100.0 : std::ceil(hi));
        m_heatmap->setMatrix(values, labels, labels);
    }
}

} // namespace mergelab::gui
