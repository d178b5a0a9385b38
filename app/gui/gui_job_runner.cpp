#include "gui_job_runner.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QPointer>
#include <QThread>

namespace mergelab::gui {

struct GuiJobRunner::State {
    quint64 id = 0;
    QString title;
    QString channel;
    CancelToken cancel;
    QPointer<QObject> receiver;
    GuiJobRunner::Done done;
};

namespace {

// Forwards a worker's progress to the GUI thread at most every 50 ms (plus the final report), so a
// job reporting per tensor cannot flood the event loop.
class ThrottledProgress : public Progress {
public:
    ThrottledProgress(GuiJobRunner* runner, quint64 id) : m_runner(runner), m_id(id) { m_clock.start(); }

    void update(double done, double total, const std::string& message) override
    {
        QMutexLocker lock(&m_mutex);
        const bool last = total > 0 && done >= total;
        if (!last && m_sentOnce && m_clock.elapsed() < 50)
            return;
        m_sentOnce = true;
        m_clock.restart();
        const QString text = QString::fromStdString(message);
        const quint64 id = m_id;
        GuiJobRunner* runner = m_runner;
        QMetaObject::invokeMethod(
            runner, [runner, id, done, total, text] { Q_EMIT runner->progressChanged(id, done, total, text); },
            Qt::QueuedConnection);
    }

    void log(const std::string& line) override
    {
        const QString text = QString::fromStdString(line);
        const quint64 id = m_id;
        GuiJobRunner* runner = m_runner;
        QMetaObject::invokeMethod(
            runner, [runner, id, text] { Q_EMIT runner->logLine(id, text); }, Qt::QueuedConnection);
    }

private:
    GuiJobRunner* m_runner; // outlives every worker: its destructor waits for the pool
    quint64 m_id;
    QMutex m_mutex;
    QElapsedTimer m_clock;
    bool m_sentOnce = false;
};

} // namespace

GuiJobRunner::GuiJobRunner(QObject* parent) : QObject(parent)
{
    static const int registered = [] {
        qRegisterMetaType<mergelab::Status>("mergelab::Status");
        return 0;
    }();
    (void)registered;
    // Two workers on small machines: one long job (analysis, merge) must not starve an open.
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_pool.setObjectName(QStringLiteral("mergelab-jobs"));
}

GuiJobRunner::~GuiJobRunner()
{
    cancelAll();
    m_pool.waitForDone();
}

quint64 GuiJobRunner::start(const QString& title, const QString& channel, Work work, QObject* receiver, Done done)
{
    auto state = std::make_shared<State>();
    state->id = m_nextId++;
    state->title = title;
    state->channel = channel;
    state->receiver = receiver;
    state->done = std::move(done);
    if (!channel.isEmpty()) {
        if (const quint64 previous = m_channels.value(channel))
            cancel(previous);
        m_channels.insert(channel, state->id);
    }
    m_jobs.insert(state->id, state);
    Q_EMIT started(state->id, title);
    m_pool.start([this, state, work = std::move(work)] {
        ThrottledProgress progress(this, state->id);
        QVariant result;
        // runGuarded is the one place exceptions stop: nothing escapes to the pool thread's top.
        const JobResult outcome = runGuarded([&] { result = work(progress, state->cancel); });
        const QString message = QString::fromStdString(outcome.message);
        const Status status = outcome.status;
        QMetaObject::invokeMethod(
            this, [this, state, status, message, result] { onDone(state, status, message, result); },
            Qt::QueuedConnection);
    });
    return state->id;
}

void GuiJobRunner::cancel(quint64 id)
{
    if (auto it = m_jobs.find(id); it != m_jobs.end())
        (*it)->cancel.cancel();
}

void GuiJobRunner::discard(const QString& channel)
{
    if (channel.isEmpty())
        return;
    cancel(m_channels.take(channel));
}

void GuiJobRunner::cancelAll()
{
    for (const auto& state : std::as_const(m_jobs))
        state->cancel.cancel();
}

void GuiJobRunner::onDone(const std::shared_ptr<State>& state, Status status, const QString& message,
                          const QVariant& result)
{
    m_jobs.remove(state->id);
    // A job counts as cancelled when its token was set, even if the work finished before noticing.
    if (state->cancel.cancelled() && status == Status::Ok)
        status = Status::Cancelled;
    const bool current = state->channel.isEmpty() || m_channels.value(state->channel) == state->id;
    if (current && !state->channel.isEmpty())
        m_channels.remove(state->channel);
    Q_EMIT ended(state->id, status, message, !current);
    QObject* receiver = state->receiver.data();
    if (current && receiver && state->done) {
        const QString shown = status == Status::Cancelled ? tr("Cancelled") : message;
        // Called right here on the receiver's own thread (the GUI thread), so a callback that starts
        // the next job does so before idle() is checked below; another thread gets it queued, and Qt
        // drops the call if the receiver is destroyed before it runs.
        if (receiver->thread() == QThread::currentThread())
            state->done(status, shown, result);
        else
            QMetaObject::invokeMethod(
                receiver, [done = state->done, status, shown, result] { done(status, shown, result); },
                Qt::QueuedConnection);
    }
    state->done = nullptr; // its captures are released here, on this thread, not on the worker's
    if (m_jobs.isEmpty())
        Q_EMIT idle();
}

} // namespace mergelab::gui
