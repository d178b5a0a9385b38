#pragma once

#include "gui_job_runner.h"
#include "project_loader.h"
#include "tune_state.h"
#include "tune_work.h"

#include "merge/recipe.h"

#include <QFont>
#include <QHash>
#include <QWidget>

#include <optional>
#include <vector>

class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;
class QTableView;
class QUndoStack;
class QUndoView;

namespace mergelab::widgets {
class BarChartView;
}

namespace mergelab::gui {

class TuneEvaluationController;
class TuneGeneratePanel;
class TuneOverrideModel;
class TuneParameterEditor;
class TunePerTaskModel;
class TuneSweepPanel;

// The "Tune" page (issue 6): method selector with a parameter editor, coefficient sliders, live
// evaluation bar chart, sweeps, undo/redo. Export is requested from here; the window opens the dialog.
// On a language-model project (issue 16) the charts are per-task perplexity and choice accuracy of
// the base, every fine-tune and the merge, and the Generate panel takes the sweeps' place.
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

    // The evaluations of the page's states (generations, results drawn, latencies).
    TuneEvaluationController* evaluation() const { return m_evaluation; }

    // Whether the open project is a language-model project (known once it is set).
    bool isLanguageModel() const { return m_lm; }

    // Controls, for tests and the window's wiring. On a language-model project barChart() shows
    // perplexity and choiceChart() choice accuracy (sets: base, each fine-tune, merged).
    widgets::BarChartView* barChart() const { return m_bars; }
    widgets::BarChartView* choiceChart() const { return m_choiceBars; }
    TuneGeneratePanel* generatePanel() const { return m_generate; }
    TuneSweepPanel* sweepPanel() const { return m_sweeps; }
    QUndoStack* undoStack() const { return m_undo; }
    TuneParameterEditor* parameterEditor() const { return m_parameters; }
    QSlider* coefficientSlider(int task) const;
    QDoubleSpinBox* coefficientSpinBox(int task) const;
    QDoubleSpinBox* lambdaSpinBox() const { return m_lambdaSpin; }
    QSlider* lambdaSlider() const { return m_lambdaSlider; }
    // The per-task parameters (density, ...) and the overrides, as the tables show and edit them.
    TunePerTaskModel* perTaskModel() const { return m_perTaskModel; }
    TuneOverrideModel* overrideModel() const { return m_overrideModel; }
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
    void onGlobalEdited(const std::string& name, double value, int mergeId, int session);
    void onPerTaskValue(int row, const std::string& param, double value);
    // An editor or a table cell was marked (problem) or cleared: status and the Export button follow.
    void onMarked(const QString& problem);
    // True while an editor or a table cell holds a value that is not sent.
    bool hasInvalid() const;
    void requestEvaluation();
    void onSetupEnded(Status status, const QString& message);
    void onEvaluated(const TuneOutcome& outcome);
    void drawReferences();
    void drawMerged(const TuneOutcome& outcome);
    void drawLmReferences();
    void drawLmMerged(const TuneOutcome& outcome);
    void showStatus(const QString& text, bool error = false);
    void checkSettled();
    QColor taskColor(const std::string& task, int index) const;

    GuiJobRunner* m_jobs;
    TuneEvaluationController* m_evaluation;
    ProjectSummary m_project;
    TuneState m_state;
    std::string m_editorsMethod; // the method the sliders and the per-task table were set up for

    bool m_lm = false;
    QStringList m_textTasks;   // language-model tasks in the perplexity chart
    QStringList m_choiceTasks; // and in the choice chart
    int m_dragSession = 0;
    bool m_wasBusy = false;

    QUndoStack* m_undo;
    QUndoView* m_history;
    TuneParameterEditor* m_parameters;
    QGroupBox* m_coefficientBox;
    QSlider* m_lambdaSlider;
    QDoubleSpinBox* m_lambdaSpin;
    QWidget* m_coefficientRows;
    std::vector<CoefficientRow> m_rows;
    QGroupBox* m_perModelBox;
    TunePerTaskModel* m_perTaskModel;
    QTableView* m_perModelTable;
    TuneOverrideModel* m_overrideModel;
    QTableView* m_overrideTable;
    QPushButton* m_export;
    QLabel* m_status;
    QLabel* m_latency;
    widgets::BarChartView* m_bars;
    widgets::BarChartView* m_choiceBars;
    QFont m_legendFont; // the chart theme's, restored for image projects
    QStackedWidget* m_lowerStack;
    TuneSweepPanel* m_sweeps;
    TuneGeneratePanel* m_generate;
};

} // namespace mergelab::gui
