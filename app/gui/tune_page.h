#pragma once

#include "gui_job_runner.h"
#include "project_loader.h"
#include "tune_state.h"
#include "tune_work.h"

#include "merge/recipe.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QTableWidget;
class QTableWidgetItem;
class QUndoStack;
class QUndoView;

namespace mergelab::widgets {
class BarChartView;
}

namespace mergelab::gui {

class TuneSweepPanel;

// The "Tune" page (issue 6): method selector with a parameter editor, coefficient sliders, live
// evaluation bar chart, sweeps, undo/redo. Export is requested from here; the window opens the dialog.
class TunePage : public QWidget {
    Q_OBJECT
public:
    explicit TunePage(GuiJobRunner* jobs, QWidget* parent = nullptr);

    // A project was opened (or its base changed): start over on it.
    void setProject(const ProjectSummary& project);
    // The project the page shows (the last one given to setProject()).
    const ProjectSummary& project() const { return m_project; }
    // The merge the page currently shows, as a recipe with absolute paths (nullopt when no project
    // is open or the parameters are invalid). The export dialog writes this recipe.
    std::optional<Recipe> currentRecipe() const;

    // True while the page loads its project or evaluates (the screenshot waits for false).
    bool busy() const;
    // The state the controls show (the last valid one; invalid edits are not part of it).
    const TuneState& state() const { return m_state; }
    // Makes `state` the page's state as one undoable step (sweep clicks, tests).
    void applyState(const TuneState& state, const QString& text);
    // Selects a method by registry name (one undoable step); false when it is not offered.
    bool setMethod(const QString& name);

    // Evaluation bookkeeping: every change that asks for an evaluation gets a new generation; the
    // chart shows the quick result of drawnGeneration() (0: none yet).
    quint64 requestedGeneration() const { return m_generation; }
    quint64 drawnGeneration() const { return m_drawnGeneration; }
    int quickResultsDrawn() const { return m_quickDrawn; }
    int fullResultsDrawn() const { return m_fullDrawn; }
    // Milliseconds from each change to its quick bars being drawn, oldest first.
    const QList<double>& latencies() const { return m_latencies; }

    // Controls, for tests and the window's wiring.
    widgets::BarChartView* barChart() const { return m_bars; }
    TuneSweepPanel* sweepPanel() const { return m_sweeps; }
    QUndoStack* undoStack() const { return m_undo; }
    QComboBox* methodCombo() const { return m_method; }
    QSlider* coefficientSlider(int task) const;
    QDoubleSpinBox* coefficientSpinBox(int task) const;
    QDoubleSpinBox* lambdaSpinBox() const { return m_lambdaSpin; }
    QSlider* lambdaSlider() const { return m_lambdaSlider; }
    QWidget* parameterEditor(const QString& name) const { return m_globalEditors.value(name); }
    QTableWidget* perTaskTable() const { return m_perModelTable; }
    QTableWidget* overrideTable() const { return m_overrideTable; }
    QPushButton* exportButton() const { return m_export; }

Q_SIGNALS:
    // The user asked to export the current merge (button or shortcut on this page).
    void exportRequested();
    // Bars were drawn for a result (full: the full-validation refinement).
    void evaluated(bool full);
    // busy() changed to false.
    void settled();

private:
    struct CoefficientRow {
        QLabel* label = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
    };

    void buildCoefficientRows();
    void rebuildEditors();
    void syncEditors();
    void commit(const TuneState& next, const QString& text, int mergeId = -1, int session = -1);
    void setState(const TuneState& state); // undo/redo land here
    void onCoefficient(int task, double value, bool fromSlider);
    void onLambda(double value, bool fromSlider);
    void onGlobalEdited(const QString& name);
    void onPerModelItem(QTableWidgetItem* item);
    void onOverridesEdited();
    void markInvalid(const QString& key, QWidget* editor, QTableWidgetItem* item, const QString& problem);
    void requestEvaluation();
    void startQuick();
    void onSetupEnded(const JobOutcome<TuneSetup>& outcome);
    void onQuickEnded(const JobOutcome<TuneOutcome>& outcome);
    void onFullEnded(const JobOutcome<TuneOutcome>& outcome);
    void drawReferences();
    void drawMerged(const TuneOutcome& outcome);
    void showStatus(const QString& text, bool error = false);
    void checkSettled();
    QColor taskColor(const std::string& task, int index) const;

    GuiJobRunner* m_jobs;
    ProjectSummary m_project;
    TuneSetup m_setup;
    TuneState m_state;
    std::string m_editorsMethod; // the method the parameter editors were built for

    quint64 m_generation = 0;
    quint64 m_quickGeneration = 0;
    quint64 m_drawnGeneration = 0;
    int m_quickDrawn = 0;
    int m_fullDrawn = 0;
    QElapsedTimer m_changeClock;
    QList<double> m_latencies;
    int m_dragSession = 0;
    int m_editSession = 0;
    bool m_wasBusy = false;

    QUndoStack* m_undo;
    QUndoView* m_history;
    QComboBox* m_method;
    QLabel* m_methodHelp;
    QFormLayout* m_paramForm;
    QHash<QString, QWidget*> m_globalEditors;
    QSet<QString> m_invalid; // editors holding a value that is not sent
    QGroupBox* m_coefficientBox;
    QSlider* m_lambdaSlider;
    QDoubleSpinBox* m_lambdaSpin;
    QWidget* m_coefficientRows;
    std::vector<CoefficientRow> m_rows;
    QGroupBox* m_perModelBox;
    QTableWidget* m_perModelTable;
    QTableWidget* m_overrideTable;
    QPushButton* m_export;
    QLabel* m_status;
    QLabel* m_latency;
    widgets::BarChartView* m_bars;
    TuneSweepPanel* m_sweeps;
};

} // namespace mergelab::gui
