#include "screenshot.h"

#include "gui_job_runner.h"
#include "main_window.h"

#include <QElapsedTimer>
#include <QPixmap>
#include <QPointer>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace mergelab::gui {

namespace {

// Jobs chain (a project open starts an analysis; the Tune page's tuner load starts a first
// evaluation): the window counts as settled once no job has run for this long.
constexpr qint64 kSettledMs = 300;
constexpr qint64 kTimeoutMs = 180000;
constexpr int kPollMs = 50;

void grabNow(QPointer<MainWindow> window, const QString& file, const QString& page,
             const std::function<void(bool, const QString&)>& done)
{
    if (!window)
        return done(false, QStringLiteral("window closed"));
    if (!page.isEmpty() && !window->showPage(page))
        return done(false, QStringLiteral("no page named \"%1\"; pages: %2")
                               .arg(page, window->pageNames().join(QStringLiteral(", "))));
    // Let the page lay out (charts animate nothing, but size hints settle in one pass).
    QTimer::singleShot(150, window, [window, file, done] {
        if (!window)
            return done(false, QStringLiteral("window closed"));
        const QPixmap pixmap = window->grab();
        if (pixmap.isNull() || !pixmap.save(file, "PNG"))
            return done(false, QStringLiteral("%1: cannot write the screenshot").arg(file));
        done(true, {});
    });
}

} // namespace

void scheduleScreenshot(MainWindow* window, const QString& file, const QString& page,
                        std::function<void(bool ok, const QString& error)> done)
{
    QPointer<MainWindow> guard(window);
    // Show the page first: a page may start its own jobs when it becomes visible.
    if (!page.isEmpty())
        window->showPage(page);
    auto poll = new QTimer(window);
    poll->setInterval(kPollMs);
    auto total = std::make_shared<QElapsedTimer>();
    auto idle = std::make_shared<QElapsedTimer>();
    total->start();
    QObject::connect(poll, &QTimer::timeout, window, [guard, poll, total, idle, file, page, done] {
        if (!guard)
            return;
        if (guard->jobs()->runningCount() > 0) {
            idle->invalidate();
            if (total->elapsed() < kTimeoutMs)
                return;
            std::fprintf(stderr, "warning: jobs still running after %lld s; capturing anyway\n",
                         static_cast<long long>(kTimeoutMs / 1000));
        } else {
            if (!idle->isValid())
                idle->start();
            if (idle->elapsed() < kSettledMs)
                return;
            // Opening a project shows the Models page; show the wanted one and let its jobs settle too.
            if (!page.isEmpty() && guard->currentPageName() != page.toLower() && guard->showPage(page)) {
                idle->invalidate();
                return;
            }
        }
        poll->stop();
        poll->deleteLater();
        grabNow(guard, file, page, done);
    });
    poll->start();
}

} // namespace mergelab::gui
