// core/jobs: how long work is run and observed (Job, Progress, CancelToken, Status). No Qt.
#pragma once

#include <atomic>
#include <functional>
#include <string>

namespace mergelab {

// Set by whoever started the work (CLI on Ctrl-C, GUI Cancel button, a superseding job);
// polled by the work per tensor / per batch.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

// Throws CancelledError when the token is set.
void throwIfCancelled(const CancelToken& token);

// Sink for progress reports. Implementations must be thread-safe: workers report concurrently.
class Progress {
public:
    virtual ~Progress() = default;
    // done out of total units (tensors, batches, steps); message says what is happening.
    virtual void update(double done, double total, const std::string& message) = 0;
    // Free-form line for the log (warnings, per-step loss); default: ignored.
    virtual void log(const std::string& line) { (void)line; }
};

// A Progress that ignores everything (tests, nested work).
class NullProgress : public Progress {
public:
    void update(double, double, const std::string&) override {}
};

// A Progress that forwards to a callback (tests, adapters).
class CallbackProgress : public Progress {
public:
    using Fn = std::function<void(double, double, const std::string&)>;
    explicit CallbackProgress(Fn fn, std::function<void(const std::string&)> logFn = {})
        : m_fn(std::move(fn)), m_log(std::move(logFn))
    {}
    void update(double done, double total, const std::string& message) override
    {
        if (m_fn)
            m_fn(done, total, message);
    }
    void log(const std::string& line) override
    {
        if (m_log)
            m_log(line);
    }

private:
    Fn m_fn;
    std::function<void(const std::string&)> m_log;
};

enum class Status { Ok, Failed, Cancelled };

struct JobResult {
    Status status = Status::Ok;
    std::string message; // the error's one-line text when Failed
};

// Long work: merge, analysis, evaluation, zoo build. run() throws on failure (Error subclasses);
// runJob() is the one boundary that catches everything and turns it into a JobResult.
class Job {
public:
    virtual ~Job() = default;
    virtual std::string name() const = 0;
    virtual void run(Progress& progress, const CancelToken& cancel) = 0;
};

// Runs a job, catching every exception (mergelab::Error, c10::Error, std::exception, ...).
JobResult runJob(Job& job, Progress& progress, const CancelToken& cancel);
// Same for a plain function.
JobResult runGuarded(const std::function<void()>& fn);

} // namespace mergelab
