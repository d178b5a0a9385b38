#pragma once

#include "gui_job_runner.h"
#include "tune_work.h"

#include <QColor>
#include <QHash>
#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace mergelab::widgets {
class HeatmapWidget;
class LineChartView;
} // namespace mergelab::widgets

namespace mergelab::gui {

// The Tune page's sweeps: a 1-D sweep of one numeric parameter (lines per task and the average)
// and a 2-D grid over two tasks' coefficients (a heatmap of the average). Points are evaluated one
// TuneJob after another on their own channel, drawn as they arrive; clicking one applies it.
class TuneSweepPanel : public QWidget {
    Q_OBJECT
public:
    using StateGetter = std::function<TuneState()>;
    TuneSweepPanel(GuiJobRunner* jobs, StateGetter currentState, QWidget* parent = nullptr);

    // A project is ready for tuning (or none: invalid setup). modelNames in project order; colours
    // by evaluation task name.
    void setSetup(const TuneSetup& setup, const QStringList& modelNames, const QHash<QString, QColor>& taskColors);
    // The method changed: refresh the list of sweepable parameters.
    void refreshParameters();

    // 1-D: parameter key ("g:lambda", "m:<task>:<param>", "a:<param>" = every task), from, to, step.
    bool startSweep(const QString& key, double from, double to, double step);
    // 2-D: coefficients ("weight") of tasks a and b over [from, to] in `steps` values each.
    bool startGrid(int taskA, int taskB, double from, double to, int steps);
    void stop();
    bool running() const;
    int pointsDone() const { return static_cast<int>(m_done.size()); }
    int pointsTotal() const { return static_cast<int>(m_points.size()); }
    widgets::LineChartView* lineChart() const { return m_lines; }
    widgets::HeatmapWidget* heatmap() const { return m_heatmap; }
    // The state a point of the current sweep/grid stands for (index in run order).
    TuneState pointState(int index) const;

Q_SIGNALS:
    // The user clicked a point or cell: make this the page's state.
    void applyRequested(const mergelab::gui::TuneState& state);
    void runningChanged(bool running);

private:
    enum class Mode { None, Line, Grid };
    TuneState withValue(TuneState state, const QString& key, double value) const;
    void runNext();
    void onPointEnded(const JobOutcome<TuneOutcome>& outcome);
    void redraw();
    void setRunning(bool running);

    GuiJobRunner* m_jobs;
    StateGetter m_currentState;
    TuneSetup m_setup;
    QStringList m_modelNames;
    QHash<QString, QColor> m_taskColors;

    Mode m_mode = Mode::None;
    TuneState m_origin;              // the state the sweep varies
    QString m_key;                   // 1-D parameter
    int m_taskA = 0, m_taskB = 1;    // 2-D tasks
    std::vector<double> m_axis;      // 1-D x values / 2-D values per axis
    std::vector<TuneState> m_points; // run order
    std::vector<EvalResult> m_done;  // results so far, in run order

    QComboBox* m_parameter;
    QDoubleSpinBox* m_from;
    QDoubleSpinBox* m_to;
    QDoubleSpinBox* m_step;
    QPushButton* m_runLine;
    QComboBox* m_gridA;
    QComboBox* m_gridB;
    QDoubleSpinBox* m_gridFrom;
    QDoubleSpinBox* m_gridTo;
    QSpinBox* m_gridSteps;
    QPushButton* m_runGrid;
    QPushButton* m_stop;
    QLabel* m_status;
    widgets::LineChartView* m_lines;
    widgets::HeatmapWidget* m_heatmap;
};

} // namespace mergelab::gui
