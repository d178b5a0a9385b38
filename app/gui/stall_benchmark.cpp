#include "stall_benchmark.h"

#include "gui_job_runner.h"
#include "main_window.h"
#include "project_document.h"
#include "project_export.h"
#include "stall_monitor.h"

#include "merge/recipe.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace mergelab::gui {

namespace {

// State of one benchmark run; deleted with the window's children when done.
struct Bench {
    QPointer<MainWindow> window;
    StallMonitor monitor;
    std::function<void(int)> done;
    QElapsedTimer phase;
    QTemporaryDir out;
    double mergeSeconds = -1, evalSeconds = -1;
    QString failure;
};

void printPhase(const char* name, const StallMonitor& m, const QString& jobs)
{
    std::printf("%s: event-loop stall max %.1f ms, p99 %.1f ms over %d ticks of 5 ms, %d over 50 ms; %s\n", name,
                m.maxGapMs(), m.percentileMs(99), m.ticks(), m.overBudget(), qPrintable(jobs));
    std::fflush(stdout);
}

// Calls then() once no job has run for 300 ms (jobs chain: an open starts an analysis, ...).
void whenSettled(const std::shared_ptr<Bench>& b, std::function<void()> then)
{
    auto poll = new QTimer(b->window);
    auto idle = std::make_shared<QElapsedTimer>();
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, b->window, [b, poll, idle, then] {
        if (b->window->jobs()->runningCount() > 0) {
            idle->invalidate();
            return;
        }
        if (!idle->isValid())
            idle->start();
        if (idle->elapsed() < 300)
            return;
        poll->stop();
        poll->deleteLater();
        then();
    });
    poll->start();
}

void mergeAndEvaluate(const std::shared_ptr<Bench>& b)
{
    const ModelSet set = b->window->document()->set();
    if (!b->window->hasProject() || set.base.path.empty() || set.models.empty()) {
        std::printf("merge + evaluate: skipped (PATH is not a project with a base and fine-tunes)\n");
        return b->done(0);
    }
    Recipe recipe;
    recipe.method = "task_arithmetic";
    recipe.base = set.base.path;
    for (const ModelEntry& m : set.models)
        recipe.models.push_back({m.path, {}});
    recipe.params["lambda"] = ParamSetting(0.3);

    GuiJobRunner* jobs = b->window->jobs();
    // Each job's end is timed from the phase's start (they run concurrently).
    auto timed = [b](double Bench::*seconds) {
        return [b, seconds](Status status, const QString& message, const QVariant&) {
            b.get()->*seconds = static_cast<double>(b->phase.nsecsElapsed()) / 1e9;
            if (status != Status::Ok)
                b->failure = message;
        };
    };
    b->monitor.start();
    b->phase.start();
    jobs->start(QStringLiteral("Benchmark merge"), {},
                exportWork(recipe, b->out.filePath(QStringLiteral("merged.safetensors"))), b->window,
                timed(&Bench::mergeSeconds));
    const std::optional<QString> noEval = evaluationUnavailable(set);
    if (!noEval)
        jobs->start(QStringLiteral("Benchmark evaluation"), {},
                    evaluateCheckpointWork(set, QString::fromStdString(set.base.path), QStringLiteral("test")),
                    b->window, timed(&Bench::evalSeconds));
    whenSettled(b, [b, noEval] {
        b->monitor.stop();
        QString jobs = QStringLiteral("merge %1 s").arg(b->mergeSeconds, 0, 'f', 2);
        jobs += noEval ? QStringLiteral(", no evaluation (%1)").arg(*noEval)
                       : QStringLiteral(", evaluation (test split) %1 s, concurrently").arg(b->evalSeconds, 0, 'f', 2);
        printPhase("merge + evaluate", b->monitor, jobs);
        if (!b->failure.isEmpty())
            std::fprintf(stderr, "error: %s\n", qPrintable(b->failure));
        b->done(b->failure.isEmpty() ? 0 : 1);
    });
}

} // namespace

void runStallBenchmark(MainWindow* window, const QString& path, std::function<void(int status)> done)
{
    auto b = std::make_shared<Bench>();
    b->window = window;
    b->done = std::move(done);
    // Measure the open alone: the first show (font loading, first paint) is not a job's stall.
    QTimer::singleShot(300, window, [b, path] {
        auto failed = std::make_shared<QString>();
        QObject::connect(b->window, &MainWindow::openFailed, b->window, [failed](const QString& m) { *failed = m; });
        b->monitor.start();
        b->phase.start();
        if (!path.isEmpty())
            b->window->openPath(path);
        whenSettled(b, [b, failed] {
            b->monitor.stop();
            printPhase("open", b->monitor,
                       QStringLiteral("all jobs done in %1 s")
                           .arg(static_cast<double>(b->phase.nsecsElapsed()) / 1e9, 0, 'f', 2));
            if (!failed->isEmpty()) {
                std::fprintf(stderr, "error: %s\n", qPrintable(*failed));
                return b->done(1);
            }
            mergeAndEvaluate(b);
        });
    });
}

} // namespace mergelab::gui
