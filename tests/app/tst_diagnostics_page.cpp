// The Diagnostics page on the tiny generated project: the jobs run on opening, the bar chart, the
// disentanglement heatmap and the surface show the jobs' reports; Cancel stops the job.
#include "tiny_project.h"

#include "gui/diagnostics_page.h"
#include "gui/gui_job_runner.h"

#include "heatmap_widget.h"

#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mergelab;
using mergelab::gui::DiagnosticsPage;
using mergelab::gui::GuiJobRunner;

namespace {
gui::ProjectSummary summaryOf(const std::string& path)
{
    gui::ProjectSummary s;
    s.path = QString::fromStdString(path);
    s.set = ModelSet::load(path);
    return s;
}
} // namespace

class TestDiagnosticsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsReportsOfTheJobs()
    {
        QTemporaryDir dir;
        const auto project = summaryOf(tinyproject::writeProject(dir.path().toStdString()));
        GuiJobRunner runner;
        DiagnosticsPage page(&runner);
        page.resize(1000, 700);
        QSignalSpy diagnosed(&page, &DiagnosticsPage::diagnosticsFinished);
        QSignalSpy surfaced(&page, &DiagnosticsPage::surfaceFinished);
        page.setProject(project);
        QTRY_COMPARE_WITH_TIMEOUT(diagnosed.count(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(surfaced.count(), 1, 30000);

        const DiagnosticsReport& r = page.diagnostics();
        QCOMPARE(r.sharpness.size(), std::size_t(2));
        auto* bars = qobject_cast<QBarSeries*>(page.sharpnessChart()->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->barSets().at(0)->count(), 2);
        QCOMPARE(bars->barSets().at(0)->at(1), r.sharpness[1].result.sharpness);

        const widgets::HeatmapWidget* heat = page.disentanglementHeatmap();
        QCOMPARE(heat->rowCount(), 2);
        QCOMPARE(heat->columnCount(), 3); // two tasks + "all"
        QVERIFY(std::isnan(heat->value(0, 0)));
        QCOMPARE(heat->value(0, 1), 100.0 * r.disentanglement->pairs[0][1]);
        QCOMPARE(heat->value(1, 2), 100.0 * r.disentanglement->all[1]);

        QCOMPARE(page.surfaceHeatmap()->rowCount(), 5); // 0:1:0.25
        QCOMPARE(page.surfaceHeatmap()->columnCount(), 5);
    }

    void cancelStopsTheJob()
    {
        QTemporaryDir dir;
        const auto project = summaryOf(tinyproject::writeProject(dir.path().toStdString()));
        GuiJobRunner runner;
        DiagnosticsPage page(&runner);
        QSignalSpy ended(&runner, &GuiJobRunner::ended);
        page.setProject(project);
        runner.cancel(page.diagnosticsJob());
        QTRY_VERIFY_WITH_TIMEOUT(!runner.isRunning(page.diagnosticsJob()), 30000);
        bool cancelled = false;
        for (const QList<QVariant>& e : ended)
            if (e.at(0).toULongLong() == page.diagnosticsJob())
                cancelled = e.at(1).value<Status>() == Status::Cancelled;
        QVERIFY(cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(runner.runningCount(), 0, 30000);
    }
};

QTEST_MAIN(TestDiagnosticsPage)
#include "tst_diagnostics_page.moc"
