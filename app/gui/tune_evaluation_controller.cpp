#include "tune_evaluation_controller.h"

#include <QCoreApplication>

namespace mergelab::gui {

// Job titles keep the Tune page's translation context, where their translations are.
namespace {
const QString kSetupChannel = QStringLiteral("tune-setup");
const QString kEvaluateChannel = QStringLiteral("tune"); // quick and full evaluations supersede each other
} // namespace

TuneEvaluationController::TuneEvaluationController(GuiJobRunner* jobs, QObject* parent) : QObject(parent), m_jobs(jobs)
{
    static const int registered = [] {
        qRegisterMetaType<TuneSetup>();
        qRegisterMetaType<TuneOutcome>();
        qRegisterMetaType<GenerateOutcome>();
        return 0;
    }();
    (void)registered;
}

void TuneEvaluationController::reset()
{
    // A setup cancelled without a new one still ends (Cancelled); an evaluation of the previous
    // project is of no use.
    m_jobs->cancel(m_jobs->currentJob(kSetupChannel));
    m_jobs->discard(kEvaluateChannel);
    m_setup = {};
    m_latencies.clear();
    m_drawnGeneration = 0;
}

void TuneEvaluationController::load(const ModelSet& set)
{
    const QString title =
        QCoreApplication::translate("mergelab::gui::TunePage", "Tune: load %1").arg(QString::fromStdString(set.name));
    m_jobs->start<TuneSetup>(title, kSetupChannel, tuneSetupWork(set), this,
                             [this](const JobOutcome<TuneSetup>& outcome) {
                                 if (outcome.ok())
                                     m_setup = *outcome.result;
                                 // The page asks for the first evaluation in here, so the runner never goes idle in
                                 // between.
                                 Q_EMIT setupEnded(outcome.status, outcome.message);
                                 Q_EMIT activityChanged();
                             });
    Q_EMIT activityChanged();
}

bool TuneEvaluationController::busy() const
{
    return m_jobs->currentJob(kSetupChannel) || m_jobs->currentJob(kEvaluateChannel);
}

void TuneEvaluationController::request(const TuneState& state, bool evaluable)
{
    ++m_generation;
    m_changeClock.restart();
    m_state = state;
    if (evaluable && m_setup.valid())
        startQuick();
}

void TuneEvaluationController::startQuick()
{
    m_quickGeneration = m_generation;
    Q_EMIT quickStarted(m_state);
    // This job supersedes the previous evaluation (quick or full), whose result is dropped.
    const QString title = QCoreApplication::translate("mergelab::gui::TunePage", "Tune: evaluate %1")
                              .arg(QString::fromStdString(m_state.method));
    m_jobs->start<TuneOutcome>(title, kEvaluateChannel, tuneEvaluateWork(m_setup, m_state, false), this,
                               [this](const JobOutcome<TuneOutcome>& outcome) { onQuickEnded(outcome); });
    Q_EMIT activityChanged();
}

void TuneEvaluationController::onQuickEnded(const JobOutcome<TuneOutcome>& outcome)
{
    if (outcome.ok()) {
        m_drawnGeneration = m_quickGeneration;
        ++m_quickDrawn;
        m_latencies << static_cast<double>(m_changeClock.nsecsElapsed()) / 1e6;
        if (outcome.result->full) { // a language-model project scores the whole split at once
            ++m_fullDrawn;
            Q_EMIT evaluated(*outcome.result);
            Q_EMIT activityChanged();
            return;
        }
        // Second, lower-priority step: the whole validation split, superseded by any change.
        m_jobs->start<TuneOutcome>(QCoreApplication::translate("mergelab::gui::TunePage", "Tune: full validation"),
                                   kEvaluateChannel, tuneEvaluateWork(m_setup, m_state, true), this,
                                   [this](const JobOutcome<TuneOutcome>& full) { onFullEnded(full); });
        Q_EMIT evaluated(*outcome.result);
    } else if (outcome.status == Status::Failed) {
        Q_EMIT evaluationFailed(false, outcome.message);
    }
    Q_EMIT activityChanged();
}

void TuneEvaluationController::onFullEnded(const JobOutcome<TuneOutcome>& outcome)
{
    if (outcome.ok()) {
        ++m_fullDrawn;
        Q_EMIT evaluated(*outcome.result);
    } else if (outcome.status == Status::Failed) {
        Q_EMIT evaluationFailed(true, outcome.message);
    }
    Q_EMIT activityChanged();
}

} // namespace mergelab::gui
