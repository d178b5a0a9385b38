// app/gui: the workbench window (pages, docks, actions) and how it runs core Jobs off the GUI thread.
#pragma once

#include "jobs/job.h"

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QThreadPool>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

Q_DECLARE_METATYPE(mergelab::Status)

namespace mergelab::gui {

// How a job ended, as its callback sees it: the status, the message (the error, or "Cancelled") and
// the work's result when it returned one (also when it was cancelled after returning).
template <typename T>
struct JobOutcome {
    Status status = Status::Ok;
    QString message;
    std::optional<T> result;
    bool ok() const { return status == Status::Ok && result.has_value(); }
};

// Runs core work on its own thread pool as Jobs; each job's result goes to the callback it was
// started with, on its receiver's thread (hotspot's JobTracker). A job started on a channel
// supersedes the channel's previous job: that one is cancelled and its callback never runs
// (generation id), so a stale result never reaches a view. Signals are for the Jobs dock and log.
class GuiJobRunner : public QObject {
    Q_OBJECT
public:
    // The work: runs on a worker thread, returns its result as a value type in a QVariant, throws
    // mergelab::Error (or anything) on failure. Must poll the token per tensor / per batch.
    using Work = std::function<QVariant(Progress&, const CancelToken&)>;
    // A job's callback, untyped: status, message, the work's result (invalid when it threw).
    using Done = std::function<void(Status status, const QString& message, const QVariant& result)>;

    explicit GuiJobRunner(QObject* parent = nullptr);
    // Cancels every job and waits for the workers (each polls its token, so this is short).
    ~GuiJobRunner() override;

    // Starts work; returns its id (> 0). An empty channel never supersedes anything. `done` runs
    // once, on `receiver`'s thread, when the job ends: not when it was superseded or discarded, and
    // never after `receiver` is destroyed. Without a receiver only the signals report the job.
    quint64 start(const QString& title, const QString& channel, Work work, QObject* receiver = nullptr, Done done = {});
    // The same with a typed callback `done(const JobOutcome<T>&)`: the work's QVariant unwrapped to T.
    template <typename T, typename Callback>
    quint64 start(const QString& title, const QString& channel, Work work, QObject* receiver, Callback done)
    {
        return start(title, channel, std::move(work), receiver,
                     Done([done = std::move(done)](Status status, const QString& message, const QVariant& value) {
                         JobOutcome<T> outcome{status, message, std::nullopt};
                         if (value.isValid() && value.canConvert<T>())
                             outcome.result = value.value<T>();
                         done(outcome);
                     }));
    }
    // Cancels a job; its callback still runs (status Cancelled) unless it was superseded.
    void cancel(quint64 id);
    // Cancels the channel's newest job and drops its result, as starting a new job on it would (a
    // page starting over); the channel is free at once.
    void discard(const QString& channel);
    void cancelAll();
    int runningCount() const { return static_cast<int>(m_jobs.size()); }
    bool isRunning(quint64 id) const { return m_jobs.contains(id); }
    // The newest job id started on a channel, until it ends or is discarded (0 if none).
    quint64 currentJob(const QString& channel) const { return m_channels.value(channel); }
    QThreadPool& pool() { return m_pool; }

Q_SIGNALS:
    void started(quint64 id, const QString& title);
    // Throttled to a few per second per job; done/total are in the work's own units (total 0: unknown).
    void progressChanged(quint64 id, double done, double total, const QString& message);
    void logLine(quint64 id, const QString& line);
    // Every job ends exactly once, before its callback runs. dropped: it was superseded or
    // discarded, so its result went nowhere.
    void ended(quint64 id, mergelab::Status status, const QString& message, bool dropped);
    // No job is running any more.
    void idle();

private:
    struct State;
    void onDone(const std::shared_ptr<State>& state, Status status, const QString& message, const QVariant& result);

    QThreadPool m_pool;
    quint64 m_nextId = 1;
    QHash<quint64, std::shared_ptr<State>> m_jobs;
    QHash<QString, quint64> m_channels;
};

} // namespace mergelab::gui
