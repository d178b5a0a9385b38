#pragma once

#include "project_export.h"

#include "io/model_set.h"
#include "jobs/job.h"
#include "merge/recipe.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace mergelab::gui {

class GuiJobRunner;

// Export the current merge: format (safetensors file / sharded folder, HDF5), dtype, shard size and
// destination. The merge runs as a Job (progress, Cancel; cancelling leaves no file); the recipe is
// written beside the checkpoint. Afterwards the written file can be evaluated on the test split,
// with the per-task accuracies shown here. Views only: the work is MergeJob / Evaluator.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(GuiJobRunner* jobs, Recipe recipe, ModelSet set, QWidget* parent = nullptr);
    ~ExportDialog() override;

    ExportSettings settings() const;
    void setSettings(const ExportSettings& settings);
    // Starts the export; false (with the reason shown) when the destination is missing or exists.
    bool startExport();
    // Starts evaluating the written checkpoint on the test split; false when not possible.
    bool startEvaluation();
    // Cancels the running job (export or evaluation).
    void cancelJob();
    bool isRunning() const;
    // Cancel while a job runs (the dialog stays, showing the outcome); Close otherwise.
    void reject() override;

    QString writtenPath() const { return m_outcome.writtenPath; }
    const ExportEvaluation& evaluation() const { return m_evaluation; }
    QString statusText() const;
    QTableWidget* resultsTable() const { return m_results; }
    QPushButton* evaluateButton() const { return m_evaluate; }

Q_SIGNALS:
    void exportEnded(mergelab::Status status, const QString& message);
    void evaluationEnded(mergelab::Status status, const QString& message);

private:
    void browse();
    void updateControls();
    // The export (isExport) or the evaluation ended; result: ExportOutcome / ExportEvaluation.
    void onEnded(bool isExport, Status status, const QString& message, const QVariant& result);
    void showEvaluation(const ExportEvaluation& evaluation);
    void removeOutput(const ExportOutcome& outcome);
    void setStatus(const QString& text, bool error = false);

    GuiJobRunner* m_jobs;
    Recipe m_recipe;
    ModelSet m_set;
    ExportOutcome m_outcome;
    ExportEvaluation m_evaluation;

    QComboBox* m_format = nullptr;
    QComboBox* m_dtype = nullptr;
    QSpinBox* m_shardSize = nullptr;
    QLineEdit* m_destination = nullptr;
    QPushButton* m_browse = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_results = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_evaluate = nullptr;
    QPushButton* m_cancel = nullptr;
};

} // namespace mergelab::gui
