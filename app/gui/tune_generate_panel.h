#pragma once

#include "gui_job_runner.h"
#include "tune_work.h"

#include <QColor>
#include <QGroupBox>
#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mergelab::gui {

// The Tune page's Generate panel (language-model projects): one prompt completed by the page's current
// merge, the base and every fine-tune, shown one labelled row per model. Runs as one job on its
// own channel (a new Generate supersedes the running one; Cancel stops it).
class TuneGeneratePanel : public QGroupBox {
    Q_OBJECT
public:
    // The merge to complete with (nullopt: no valid merge) and its row label, or the problem.
    struct Merge {
        std::optional<Recipe> recipe;
        QString label;
        QString problem;
    };
    using MergeGetter = std::function<Merge()>;
    TuneGeneratePanel(GuiJobRunner* jobs, MergeGetter currentMerge, QWidget* parent = nullptr);

    // A language-model project is ready (or none: an invalid setup disables the panel). Row labels in
    // project order with the fine-tunes' colours.
    void setSetup(const TuneSetup& setup, const QStringList& modelNames, const QList<QColor>& modelColors);
    // The page's merge changed: a shown merge completion is now of an earlier setting.
    void mergeChanged();

    // Starts the generation of the prompt box's text; false when no project is ready.
    bool generate();
    // Generates `prompt` as soon as a project is ready (mergelab --generate, for screenshots).
    void generateWhenReady(const QString& prompt);
    void cancel();
    bool running() const;

    // Controls and results, for tests.
    QLineEdit* promptEdit() const { return m_prompt; }
    QSpinBox* maxNewTokensSpinBox() const { return m_maxNewTokens; }
    QDoubleSpinBox* temperatureSpinBox() const { return m_temperature; }
    QSpinBox* seedSpinBox() const { return m_seed; }
    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }
    // The rows shown: model label and completion (without the prompt); the merge first, then the base
    // and the fine-tunes in project order.
    QStringList rowLabels() const;
    QStringList completions() const { return m_completions; }
    int generationsShown() const { return m_shown; }

Q_SIGNALS:
    // Completions were shown (or the generation ended otherwise: ok false).
    void generated(bool ok);
    void runningChanged(bool running);

private:
    void onEnded(const JobOutcome<GenerateOutcome>& outcome);
    void clearRows();
    void addRow(const QString& label, const QColor& color, const QString& prompt, const QString& completion);
    void setRunning(bool running);
    void setStatus(const QString& text, bool error = false);

    GuiJobRunner* m_jobs;
    MergeGetter m_currentMerge;
    TuneSetup m_setup;
    QStringList m_modelNames;
    QList<QColor> m_modelColors;
    QString m_pendingPrompt;
    QString m_mergeLabel; // the merge row's label of the shown generation
    QStringList m_completions;
    QList<QLabel*> m_rowWidgets;
    int m_shown = 0;
    bool m_mergeOutdated = false; // the page's merge changed after the shown (or running) generation

    QLineEdit* m_prompt;
    QSpinBox* m_maxNewTokens;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_seed;
    QPushButton* m_generate;
    QPushButton* m_cancel;
    QLabel* m_status;
    QWidget* m_rows;
    QGridLayout* m_grid;
};

} // namespace mergelab::gui
