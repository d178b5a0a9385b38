// JobsDock: a row per running job; its Cancel button cancels that job and the row goes away; Esc in
// the dock cancels the newest job only.
#include "gui/gui_job_runner.h"
#include "gui/jobs_dock.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <chrono>
#include <thread>

using mergelab::Status;
using mergelab::gui::GuiJobRunner;
using mergelab::gui::JobsDock;

namespace {
// A job that runs until cancelled, polling its token every 2 ms.
QVariant spinUntilCancelled(mergelab::Progress& p, const mergelab::CancelToken& cancel)
{
    for (;;) {
        mergelab::throwIfCancelled(cancel);
        p.update(0, 0, "spinning");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}
} // namespace

class TestJobsDock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cancelButtonCancels()
    {
        GuiJobRunner runner;
        JobsDock dock(&runner);
        dock.show();
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        runner.start(QStringLiteral("endless"), {},
                     [](mergelab::Progress& p, const mergelab::CancelToken& cancel) -> QVariant {
                         for (;;) {
                             mergelab::throwIfCancelled(cancel);
                             p.update(0, 0, "spinning");
                             std::this_thread::sleep_for(std::chrono::milliseconds(2));
                         }
                     });
        QCOMPARE(dock.rowCount(), 1);
        QPushButton* cancel = nullptr;
        for (auto* b : dock.findChildren<QPushButton*>())
            if (b->text() == QLatin1String("Cancel"))
                cancel = b;
        QVERIFY(cancel);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
        QCOMPARE(ended.at(0).at(1).value<Status>(), Status::Cancelled);
        QCOMPARE(dock.rowCount(), 0);
    }

    void escapeCancelsNewest()
    {
        GuiJobRunner runner;
        JobsDock dock(&runner);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        const quint64 older = runner.start(QStringLiteral("older"), {}, spinUntilCancelled);
        const quint64 newer = runner.start(QStringLiteral("newer"), {}, spinUntilCancelled);
        QCOMPARE(dock.rowCount(), 2);
        dock.activateWindow();
        dock.widget()->setFocus();
        QTest::keyClick(dock.widget(), Qt::Key_Escape);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 5000);
        QCOMPARE(ended.at(0).at(0).value<quint64>(), newer);
        QCOMPARE(ended.at(0).at(1).value<Status>(), Status::Cancelled);
        QVERIFY(runner.isRunning(older));
        QVERIFY(dock.cancelNewest());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 5000);
        QCOMPARE(dock.rowCount(), 0);
        QVERIFY(!dock.cancelNewest());
    }
};

QTEST_MAIN(TestJobsDock)
#include "tst_jobs_dock.moc"
