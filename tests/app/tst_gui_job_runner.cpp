// GuiJobRunner: typed results by callback on the receiver's thread, failures and cancel as statuses,
// superseded or discarded jobs dropped, and no callback after its receiver is gone.
#include "gui/gui_job_runner.h"

#include "common/error.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <chrono>
#include <thread>

using mergelab::CancelToken;
using mergelab::Progress;
using mergelab::Status;
using mergelab::gui::GuiJobRunner;
using mergelab::gui::JobOutcome;

namespace {

// A value type a job returns (registered like the pages' results).
struct Sum {
    int value = 0;
    QString text;
};

} // namespace

Q_DECLARE_METATYPE(Sum)

namespace {

// Work that runs until cancelled (or until `release` is set), polling like core jobs do.
GuiJobRunner::Work waitingWork(std::atomic<bool>* release, std::atomic<bool>* sawCancel, int value)
{
    return [release, sawCancel, value](Progress& progress, const CancelToken& cancel) -> QVariant {
        for (int step = 0; !release->load(); ++step) {
            if (cancel.cancelled()) {
                sawCancel->store(true);
                mergelab::throwIfCancelled(cancel);
            }
            progress.update(step % 100, 100, "waiting");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return value;
    };
}

// How many ended() entries were delivered (not superseded or discarded).
int deliveredCount(const QSignalSpy& ended)
{
    int n = 0;
    for (const QList<QVariant>& e : ended)
        n += e.at(3).toBool() ? 0 : 1;
    return n;
}

} // namespace

class TestGuiJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deliversResult()
    {
        GuiJobRunner runner;
        QObject receiver;
        QSignalSpy idle(&runner, &GuiJobRunner::idle);
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        QList<JobOutcome<int>> got;
        const quint64 id = runner.start<int>(
            QStringLiteral("add"), {},
            [](Progress& p, const CancelToken&) -> QVariant {
                p.update(1, 1, "done");
                return 40 + 2;
            },
            &receiver, [&got](const JobOutcome<int>& outcome) { got << outcome; });
        QVERIFY(runner.isRunning(id));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QCOMPARE(got.at(0).status, Status::Ok);
        QVERIFY(got.at(0).ok());
        QCOMPARE(*got.at(0).result, 42);
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).toULongLong(), id);
        QCOMPARE(ended.at(0).at(3).toBool(), false);
        QCOMPARE(idle.count(), 1);
        QCOMPARE(runner.runningCount(), 0);
    }

    void callbackReceivesTypedResult()
    {
        // The work's QVariant arrives unwrapped to the caller's own type.
        GuiJobRunner runner;
        QObject receiver;
        std::optional<Sum> got;
        runner.start<Sum>(
            QStringLiteral("sum"), {},
            [](Progress&, const CancelToken&) -> QVariant {
                return QVariant::fromValue(Sum{7, QStringLiteral("seven")});
            },
            &receiver,
            [&got](const JobOutcome<Sum>& outcome) {
                QCOMPARE(outcome.status, Status::Ok);
                got = outcome.result;
            });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 5000);
        QCOMPARE(got->value, 7);
        QCOMPARE(got->text, QStringLiteral("seven"));
    }

    void reportsFailure()
    {
        GuiJobRunner runner;
        QObject receiver;
        QList<JobOutcome<int>> got;
        runner.start<int>(
            QStringLiteral("fail"), {},
            [](Progress&, const CancelToken&) -> QVariant {
                throw mergelab::FormatError("model.safetensors", "w", "byte size does not match shape");
            },
            &receiver, [&got](const JobOutcome<int>& outcome) { got << outcome; });
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QCOMPARE(got.at(0).status, Status::Failed);
        QVERIFY(!got.at(0).result);
        const QString message = got.at(0).message;
        QVERIFY2(message.contains(QLatin1String("model.safetensors")) && message.contains(QLatin1String("byte size")),
                 qPrintable(message));
    }

    void cancels()
    {
        GuiJobRunner runner;
        QObject receiver;
        QList<JobOutcome<int>> got;
        QSignalSpy progress(&runner, &GuiJobRunner::progressChanged);
        std::atomic<bool> release{false};
        std::atomic<bool> sawCancel{false};
        const quint64 id = runner.start<int>(QStringLiteral("long"), {}, waitingWork(&release, &sawCancel, 1),
                                             &receiver, [&got](const JobOutcome<int>& outcome) { got << outcome; });
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 5000);
        runner.cancel(id);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QCOMPARE(got.at(0).status, Status::Cancelled);
        QVERIFY(!got.at(0).result);
        QVERIFY(!got.at(0).ok());
        QVERIFY(sawCancel.load());
        // Progress is throttled: a job reporting every millisecond does not flood the GUI thread.
        QVERIFY2(progress.count() < 200, qPrintable(QString::number(progress.count())));
    }

    void dropsSupersededResult()
    {
        GuiJobRunner runner;
        QObject receiver;
        QList<int> got;
        auto collect = [&got](const JobOutcome<int>& outcome) { got << (outcome.result ? *outcome.result : -1); };
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        std::atomic<bool> releaseOld{false}, releaseNew{false};
        std::atomic<bool> oldCancelled{false}, newCancelled{false};
        const quint64 old = runner.start<int>(QStringLiteral("eval 1"), QStringLiteral("eval"),
                                              waitingWork(&releaseOld, &oldCancelled, 1), &receiver, collect);
        const quint64 current = runner.start<int>(QStringLiteral("eval 2"), QStringLiteral("eval"),
                                                  waitingWork(&releaseNew, &newCancelled, 2), &receiver, collect);
        QCOMPARE(runner.currentJob(QStringLiteral("eval")), current);
        QTRY_VERIFY_WITH_TIMEOUT(oldCancelled.load(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
        QCOMPARE(ended.at(0).at(0).toULongLong(), old);
        QCOMPARE(ended.at(0).at(3).toBool(), true); // dropped
        QVERIFY(got.isEmpty());                     // the stale job's end never reaches views
        releaseNew = true;
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QCOMPARE(got.at(0), 2);
        QCOMPARE(ended.at(1).at(0).toULongLong(), current);
        QCOMPARE(deliveredCount(ended), 1);
        QVERIFY(!newCancelled.load());
    }

    void staleResultDroppedEvenIfFinishedFirst()
    {
        // The old job completes (ignoring its token) before the new one: its result is still dropped.
        GuiJobRunner runner;
        QObject receiver;
        QList<int> got;
        auto collect = [&got](const JobOutcome<int>& outcome) { got << (outcome.result ? *outcome.result : -1); };
        std::atomic<bool> gate{false};
        runner.start<int>(
            QStringLiteral("slow old"), QStringLiteral("c"),
            [&gate](Progress&, const CancelToken&) -> QVariant {
                while (!gate.load())
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return 1;
            },
            &receiver, collect);
        std::atomic<bool> releaseNew{false}, unused{false};
        runner.start<int>(QStringLiteral("new"), QStringLiteral("c"), waitingWork(&releaseNew, &unused, 2), &receiver,
                          collect);
        gate = true;
        QTest::qWait(50);
        QCOMPARE(got.size(), 0);
        releaseNew = true;
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, 5000);
        QCOMPARE(got.at(0), 2);
    }

    void discardDropsResultAndFreesChannel()
    {
        // A page starting over discards its job: no callback, the channel is free at once.
        GuiJobRunner runner;
        QObject receiver;
        int calls = 0;
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        std::atomic<bool> release{false}, sawCancel{false};
        runner.start<int>(QStringLiteral("eval"), QStringLiteral("eval"), waitingWork(&release, &sawCancel, 1),
                          &receiver, [&calls](const JobOutcome<int>&) { ++calls; });
        runner.discard(QStringLiteral("eval"));
        QCOMPARE(runner.currentJob(QStringLiteral("eval")), quint64(0));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
        QVERIFY(sawCancel.load());
        QCOMPARE(ended.at(0).at(1).value<Status>(), Status::Cancelled);
        QCOMPARE(ended.at(0).at(3).toBool(), true);
        QTest::qWait(20);
        QCOMPARE(calls, 0);
    }

    void destroyedReceiverIsNeverCalled()
    {
        GuiJobRunner runner;
        auto* receiver = new QObject;
        bool called = false;
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        std::atomic<bool> release{false}, unused{false};
        runner.start<int>(QStringLiteral("orphan"), QStringLiteral("c"), waitingWork(&release, &unused, 3), receiver,
                          [&called, receiver](const JobOutcome<int>&) {
                              called = true;
                              receiver->setObjectName(QStringLiteral("touched")); // would crash if deleted
                          });
        delete receiver;
        release = true;
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
        QCOMPARE(ended.at(0).at(1).value<Status>(), Status::Ok);
        QTest::qWait(20);
        QVERIFY(!called);
    }

    void callbackRunsOnTheReceiversThread()
    {
        // A receiver living on another thread gets its callback there, queued; none once it is gone.
        GuiJobRunner runner;
        QThread thread;
        thread.start();
        auto* receiver = new QObject;
        receiver->moveToThread(&thread);
        std::atomic<QThread*> calledOn{nullptr};
        runner.start<int>(
            QStringLiteral("there"), {}, [](Progress&, const CancelToken&) -> QVariant { return 1; }, receiver,
            [&calledOn](const JobOutcome<int>& outcome) {
                if (outcome.result == 1) // no QCOMPARE here: this runs on the other thread
                    calledOn = QThread::currentThread();
            });
        QTRY_VERIFY_WITH_TIMEOUT(calledOn.load() != nullptr, 5000);
        QCOMPARE(calledOn.load(), &thread);
        QMetaObject::invokeMethod(
            receiver, [receiver] { delete receiver; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }

    void callbackStartingNextJobKeepsRunnerBusy()
    {
        // Sweeps chain points from the callback: the runner must not look idle in between.
        GuiJobRunner runner;
        QObject receiver;
        QSignalSpy idle(&runner, &GuiJobRunner::idle);
        int done = 0;
        auto quick = [](Progress&, const CancelToken&) -> QVariant { return 1; };
        runner.start<int>(QStringLiteral("first"), QStringLiteral("c"), quick, &receiver, [&](const JobOutcome<int>&) {
            ++done;
            runner.start<int>(QStringLiteral("second"), QStringLiteral("c"), quick, &receiver,
                              [&done](const JobOutcome<int>&) { ++done; });
        });
        QTRY_COMPARE_WITH_TIMEOUT(done, 2, 5000);
        QCOMPARE(idle.count(), 1);
    }

    void destructorCancelsRunningJobs()
    {
        std::atomic<bool> release{false}, sawCancel{false};
        QObject receiver;
        {
            GuiJobRunner runner;
            runner.start<int>(QStringLiteral("forever"), {}, waitingWork(&release, &sawCancel, 0), &receiver,
                              [](const JobOutcome<int>&) {});
            QTest::qWait(10);
        } // must return: the destructor cancels and waits
        QVERIFY(sawCancel.load());
    }
};

QTEST_MAIN(TestGuiJobRunner)
#include "tst_gui_job_runner.moc"
