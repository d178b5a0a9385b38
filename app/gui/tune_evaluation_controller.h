#pragma once

#include "gui_job_runner.h"
#include "tune_state.h"
#include "tune_work.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

namespace mergelab::gui {

// The Tune page's evaluations, without widgets: loads a project for tuning (the setup job), then
// evaluates each requested state on the quick subset and refines it on the full validation split.
// Every request gets a generation; a newer one supersedes the running evaluation (its result is
// dropped by the runner's channel).
class TuneEvaluationController : public QObject {
    Q_OBJECT
public:
    explicit TuneEvaluationController(GuiJobRunner* jobs, QObject* parent = nullptr);

    // Starts over: cancels the setup, drops the evaluation and forgets the loaded project.
    void reset();
    // Loads `set` for tuning (after reset()); setupEnded() follows.
    void load(const ModelSet& set);
    // The state changed (new generation); evaluates it when `evaluable` and the project is loaded.
    void request(const TuneState& state, bool evaluable);

    const TuneSetup& setup() const { return m_setup; }
    // True while the setup or an evaluation runs.
    bool busy() const;
    // Generation bookkeeping: every request gets a new generation; the quick result of
    // drawnGeneration() is the newest delivered (0: none yet).
    quint64 requestedGeneration() const { return m_generation; }
    quint64 drawnGeneration() const { return m_drawnGeneration; }
    int quickResultsDrawn() const { return m_quickDrawn; }
    int fullResultsDrawn() const { return m_fullDrawn; }
    // Milliseconds from each request to its quick result, oldest first.
    const QList<double>& latencies() const { return m_latencies; }

Q_SIGNALS:
    // The setup job ended: setup() is valid when it succeeded (status Ok).
    void setupEnded(mergelab::Status status, const QString& message);
    // A quick evaluation of `state` started.
    void quickStarted(const mergelab::gui::TuneState& state);
    // A result of the newest request: quick (the refinement follows) or full.
    void evaluated(const mergelab::gui::TuneOutcome& outcome);
    // An evaluation failed (full: the refinement).
    void evaluationFailed(bool full, const QString& message);
    // A job started or ended: busy() may have changed.
    void activityChanged();

private:
    void startQuick();
    void onQuickEnded(const JobOutcome<TuneOutcome>& outcome);
    void onFullEnded(const JobOutcome<TuneOutcome>& outcome);

    GuiJobRunner* m_jobs;
    TuneSetup m_setup;
    TuneState m_state; // the newest requested state
    quint64 m_generation = 0;
    quint64 m_quickGeneration = 0;
    quint64 m_drawnGeneration = 0;
    int m_quickDrawn = 0;
    int m_fullDrawn = 0;
    QElapsedTimer m_changeClock;
    QList<double> m_latencies;
};

} // namespace mergelab::gui
