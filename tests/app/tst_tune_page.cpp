// The Tune page on a micro model set built by the zoo in the test's temp dir: bars equal an
// independent MergeTuner/Evaluator evaluation, sliders lead to new bars, superseded results are
// dropped, undo restores coefficients, invalid values are marked and never sent, currentRecipe()
// follows the UI, sweeps fill in and apply their points, every item model passes the tester.
#include "gui/gui_job_runner.h"
#include "gui/project_loader.h"
#include "gui/tune_evaluation_controller.h"
#include "gui/tune_override_model.h"
#include "gui/tune_page.h"
#include "gui/tune_parameter_editor.h"
#include "gui/tune_per_task_model.h"
#include "gui/tune_sweep_panel.h"

#include "bar_chart_view.h"
#include "heatmap_widget.h"
#include "line_chart_view.h"

#include "eval/merge_tuner.h"
#include "zoo/zoo_builder.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QUndoView>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace mergelab;
using mergelab::gui::TunePage;
using mergelab::gui::TuneState;

// Waits until the quick result of the newest change is drawn (its refinement may still run).
#define WAIT_DRAWN()                                                                                                   \
    QTRY_VERIFY_WITH_TIMEOUT(m_page->evaluation()->drawnGeneration() == m_page->evaluation()->requestedGeneration(),   \
                             30000)
// Waits until the page has nothing running (setup, evaluations, sweeps).
#define SETTLE() QTRY_VERIFY_WITH_TIMEOUT(!m_page->busy(), 30000)

namespace {

// Smaller than the "tiny" preset: the test needs distinct accuracies, not good ones.
ZooPreset microPreset()
{
    ZooPreset p = zooPreset("tiny");
    p.name = "micro";
    p.pretrainData = {1500, 200, 0};
    p.taskData = {400, 300, 50};
    p.pretrain.steps = 150;
    p.finetune.steps = 60;
    p.headSamples = 200;
    return p;
}

// How many of the jobs that ended reached the page (were not superseded or discarded).
int deliveredCount(const QSignalSpy& ended)
{
    int n = 0;
    for (const QList<QVariant>& e : ended)
        n += e.at(3).toBool() ? 0 : 1;
    return n;
}

} // namespace

class TestTunePage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    gui::ProjectSummary m_project;
    std::unique_ptr<MergeTuner> m_reference; // independent of the page: built here from the files
    std::unique_ptr<gui::GuiJobRunner> m_jobs;
    std::unique_ptr<TunePage> m_page;

    // The accuracies (%) the page must show for a state: MergeTuner's own evaluation.
    QList<double> expected(const TuneState& s)
    {
        NullProgress progress;
        CancelToken cancel;
        const EvalResult r = m_reference->evaluate(gui::recipeFor(s, m_project.set), progress, cancel);
        QList<double> out;
        for (const TaskAccuracy& t : r.tasks)
            out << 100.0 * t.accuracy;
        out << 100.0 * r.average();
        return out;
    }

    // The merged bars as drawn by the last quick result (the full refinement replaces them soon).
    QList<double> m_lastQuick;

    void snapshot(QList<double>& into)
    {
        into.clear();
        for (int c = 0; c < m_page->barChart()->categoryCount(); ++c)
            into << m_page->barChart()->value(2, c);
    }

    static void compareValues(const QList<double>& got, const QList<double>& want)
    {
        QCOMPARE(got.size(), want.size());
        for (int c = 0; c < want.size(); ++c)
            QVERIFY2(std::abs(got[c] - want[c]) < 1e-9,
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(c).arg(got[c]).arg(want[c])));
    }

    void compareMerged(const QList<double>& want)
    {
        QList<double> now;
        snapshot(now);
        compareValues(now, want);
    }

    void compareQuick(const QList<double>& want) { compareValues(m_lastQuick, want); }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_tune_page"));
        if (!qEnvironmentVariableIsEmpty("MERGELAB_TUNE_LATENCY_PROJECT"))
            return; // by-hand latency measurement only (see latencyOnAProject)
        QVERIFY(m_dir.isValid());
        const std::string out = m_dir.filePath(QStringLiteral("zoo")).toStdString();
        ZooBuildJob build(out, microPreset(), 0);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(build, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const QString path = QString::fromStdString(out + "/demo.mergelab.json");
        m_project = gui::openProjectWork(path)(progress, cancel).value<gui::ProjectSummary>();
        QVERIFY(m_project.set.models.size() >= 2);
        m_reference = std::make_unique<MergeTuner>(m_project.set, 256, "val");

        m_jobs = std::make_unique<gui::GuiJobRunner>();
        m_page = std::make_unique<TunePage>(m_jobs.get());
        m_page->resize(1200, 800);
        connect(m_page.get(), &TunePage::evaluated, this, [this](bool full) {
            if (!full)
                snapshot(m_lastQuick);
        });
        m_page->setProject(m_project);
        QVERIFY(m_page->busy());
        SETTLE();
        QCOMPARE(m_page->evaluation()->quickResultsDrawn(), 1);
    }

    void referencesAndFirstMerge()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        widgets::BarChartView* bars = m_page->barChart();
        const int tasks = static_cast<int>(m_project.set.tasks.size());
        QCOMPARE(bars->categoryCount(), tasks + 1);
        QCOMPARE(bars->setCount(), 3);
        // Pretrained and fine-tuned bars: the evaluator reading the files, on the whole val split.
        Evaluator evaluator(m_project.set, "val");
        NullProgress progress;
        CancelToken cancel;
        const EvalResult base = evaluator.evaluateCheckpoint(m_project.set.base.path, progress, cancel);
        for (int t = 0; t < tasks; ++t) {
            QCOMPARE(bars->value(0, t), 100.0 * base.tasks[static_cast<std::size_t>(t)].accuracy);
            const EvalResult own =
                evaluator.evaluateCheckpoint(m_project.set.models[static_cast<std::size_t>(t)].path, progress, cancel);
            QCOMPARE(bars->value(1, t), 100.0 * own.tasks[static_cast<std::size_t>(t)].accuracy);
        }
        // The refined (full validation) merged bars equal the evaluator on the merge of the state.
        QVERIFY(m_page->evaluation()->fullResultsDrawn() >= 1);
        QVERIFY(bars->setName(2).contains(QStringLiteral("full")));
        const TuneState s = m_page->state();
        QCOMPARE(s.method, std::string("task_arithmetic"));
        const EvalResult merged = evaluator.evaluateTensors(
            m_reference->merge(gui::recipeFor(s, m_project.set), cancel), "m", progress, cancel);
        for (int t = 0; t < tasks; ++t)
            QVERIFY(std::abs(bars->value(2, t) - 100.0 * merged.tasks[static_cast<std::size_t>(t)].accuracy) < 1e-9);
        QVERIFY(!m_page->evaluation()->latencies().isEmpty());
    }

    void sliderLeadsToNewBars()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        QAbstractItemModelTester history(m_page->findChild<QUndoView*>()->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int drawn = m_page->evaluation()->quickResultsDrawn();
        m_page->coefficientSlider(0)->setValue(40); // weight 0.40
        QCOMPARE(m_page->state().perModel[0].at("weight"), 0.4);
        QCOMPARE(m_page->coefficientSpinBox(0)->value(), 0.4);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->evaluation()->quickResultsDrawn(), drawn + 1, 30000);
        WAIT_DRAWN();
        compareQuick(expected(m_page->state()));
        SETTLE();
        QVERIFY(m_page->barChart()->setName(2).contains(QStringLiteral("full")));
    }

    void supersededResultsAreDropped()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        const int drawn = m_page->evaluation()->quickResultsDrawn();
        QSignalSpy ended(m_jobs.get(), &gui::GuiJobRunner::ended);
        m_page->coefficientSpinBox(1)->setValue(0.2);
        const quint64 first = m_page->evaluation()->requestedGeneration();
        QVERIFY(m_page->busy());
        m_page->coefficientSpinBox(1)->setValue(0.7); // before the first result can arrive
        QVERIFY(m_page->evaluation()->requestedGeneration() > first);
        WAIT_DRAWN();
        SETTLE();
        // One quick and one full result drawn, for the last change only; the first job ended unseen.
        QCOMPARE(m_page->evaluation()->quickResultsDrawn(), drawn + 1);
        QCOMPARE(deliveredCount(ended), 2);
        QCOMPARE(ended.count(), 3);
        QCOMPARE(m_page->state().perModel[1].at("weight"), 0.7);
        TuneState s = m_page->state();
        compareQuick(expected(s));
        // The bars now hold the full-validation refinement of the same state.
        const QList<double> full = [&] {
            Evaluator evaluator(m_project.set, "val");
            NullProgress progress;
            CancelToken cancel;
            const EvalResult r = evaluator.evaluateTensors(m_reference->merge(gui::recipeFor(s, m_project.set), cancel),
                                                           "m", progress, cancel);
            QList<double> out;
            for (const TaskAccuracy& t : r.tasks)
                out << 100.0 * t.accuracy;
            out << 100.0 * r.average();
            return out;
        }();
        compareMerged(full);
    }

    void undoRestoresCoefficients()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        QUndoStack* undo = m_page->undoStack();
        const double before = m_page->state().perModel[0].at("weight");
        const int commands = undo->count();
        // One drag: many positions, one undo step.
        QSlider* slider = m_page->coefficientSlider(0);
        slider->setSliderDown(true);
        for (int v : {60, 80, 100, 120})
            slider->setValue(v);
        slider->setSliderDown(false);
        QCOMPARE(undo->count(), commands + 1);
        QCOMPARE(m_page->state().perModel[0].at("weight"), 1.2);
        // A second drag is a second step.
        slider->setSliderDown(true);
        slider->setValue(130);
        slider->setSliderDown(false);
        QCOMPARE(undo->count(), commands + 2);
        undo->undo();
        QCOMPARE(m_page->state().perModel[0].at("weight"), 1.2);
        undo->undo();
        QCOMPARE(m_page->state().perModel[0].at("weight"), before);
        QCOMPARE(m_page->coefficientSpinBox(0)->value(), before);
        QCOMPARE(slider->value(), static_cast<int>(std::lround(before * 100)));
        undo->redo();
        QCOMPARE(m_page->coefficientSpinBox(0)->value(), 1.2);
        // A method change is undoable too, and the coefficients survive it.
        QVERIFY(m_page->setMethod(QStringLiteral("ties")));
        QCOMPARE(m_page->state().method, std::string("ties"));
        QCOMPARE(m_page->state().perModel[0].at("weight"), 1.2);
        QCOMPARE(m_page->parameterEditor()->methodCombo()->currentData().toString(), QStringLiteral("ties"));
        undo->undo();
        QCOMPARE(m_page->state().method, std::string("task_arithmetic"));
        QCOMPARE(m_page->parameterEditor()->methodCombo()->currentData().toString(), QStringLiteral("task_arithmetic"));
        WAIT_DRAWN();
        compareQuick(expected(m_page->state()));
        SETTLE();
    }

    void invalidValuesAreMarkedAndNotSent()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        QVERIFY(m_page->setMethod(QStringLiteral("ties")));
        WAIT_DRAWN();
        SETTLE();
        gui::TunePerTaskModel* table = m_page->perTaskModel();
        QAbstractItemModelTester tester(table, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(table->rowCount(), static_cast<int>(m_project.set.models.size()));
        QCOMPARE(table->headerData(0, Qt::Horizontal).toString(), QStringLiteral("density"));
        const QModelIndex cell = table->index(1, 0);
        const quint64 generation = m_page->evaluation()->requestedGeneration();
        QSignalSpy started(m_jobs.get(), &gui::GuiJobRunner::started);
        const TuneState before = m_page->state();
        QVERIFY(table->setData(cell, QStringLiteral("1.5"))); // density must be in (0, 1]
        QVERIFY(!cell.data(Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(cell.data(Qt::BackgroundRole).value<QBrush>().color(), QColor(0xff, 0xd6, 0xd6));
        QCOMPARE(cell.data().toString(), QStringLiteral("1.5")); // kept as typed
        QCOMPARE(m_page->evaluation()->requestedGeneration(), generation);
        QCOMPARE(started.count(), 0);
        QVERIFY(m_page->state() == before);
        QVERIFY(!m_page->currentRecipe());
        QVERIFY(!m_page->exportButton()->isEnabled());
        QVERIFY(table->setData(cell, QStringLiteral("abc")));
        QCOMPARE(started.count(), 0);
        QVERIFY(table->setData(cell, QStringLiteral("0.5")));
        QCOMPARE(cell.data(Qt::BackgroundRole).value<QBrush>().style(), Qt::NoBrush);
        QCOMPARE(m_page->state().perModel[1].at("density"), 0.5);
        QVERIFY(m_page->currentRecipe());
        QVERIFY(m_page->exportButton()->isEnabled());
        QCOMPARE(started.count(), 1);
        WAIT_DRAWN();
        compareQuick(expected(m_page->state()));
        SETTLE();

        // An override naming a per-task parameter, or an unknown one, is marked too.
        gui::TuneOverrideModel* overrides = m_page->overrideModel();
        QAbstractItemModelTester overrideTester(overrides, QAbstractItemModelTester::FailureReportingMode::QtTest);
        started.clear();
        for (QPushButton* b : m_page->findChildren<QPushButton*>())
            if (b->accessibleName() == QStringLiteral("Add override"))
                b->click();
        QCOMPARE(overrides->rowCount(), 1);
        QCOMPARE(m_page->state().overrides.size(), std::size_t(1));
        QVERIFY(overrides->setData(overrides->index(0, 1), QStringLiteral("bogus")));
        QVERIFY(!overrides->index(0, 0).data(Qt::ToolTipRole).toString().isEmpty());
        QVERIFY(!m_page->currentRecipe());
        QCOMPARE(m_page->state().overrides[0].param, std::string("lambda"));
        QVERIFY(overrides->setData(overrides->index(0, 1), QStringLiteral("lambda")));
        QVERIFY(overrides->setData(overrides->index(0, 2), QStringLiteral("0.5")));
        QVERIFY(m_page->currentRecipe());
        QCOMPARE(m_page->state().overrides[0].value, 0.5);
        WAIT_DRAWN();
        SETTLE();
        m_page->undoStack()->undo(); // value
        m_page->undoStack()->undo(); // add
        QCOMPARE(overrides->rowCount(), 0);
        QVERIFY(m_page->setMethod(QStringLiteral("task_arithmetic")));
        WAIT_DRAWN();
        SETTLE();
    }

    void currentRecipeFollowsTheUi()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        m_page->coefficientSpinBox(1)->setValue(0.35);
        m_page->lambdaSpinBox()->setValue(0.55);
        const auto recipe = m_page->currentRecipe();
        QVERIFY(recipe);
        QCOMPARE(recipe->method, std::string("task_arithmetic"));
        QCOMPARE(recipe->base, m_project.set.base.path);
        QCOMPARE(recipe->models.size(), m_project.set.models.size());
        for (std::size_t i = 0; i < recipe->models.size(); ++i)
            QCOMPARE(recipe->models[i].path, m_project.set.models[i].path);
        QCOMPARE(*recipe->models[1].params.at("weight").evaluate("x", 0), 0.35);
        QCOMPARE(*recipe->params.at("lambda").evaluate("x", 0), 0.55);
        QCOMPARE(m_page->lambdaSlider()->value(), 55);
        WAIT_DRAWN();
        SETTLE();
    }

    void exportIsRequested()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        QSignalSpy spy(m_page.get(), &TunePage::exportRequested);
        m_page->exportButton()->click();
        QCOMPARE(spy.count(), 1);
    }

    void sweepsFillInAndApply()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        gui::TuneSweepPanel* sweeps = m_page->sweepPanel();
        QVERIFY(sweeps->startSweep(QStringLiteral("g:lambda"), 0.0, 0.2, 0.1));
        QCOMPARE(sweeps->pointsTotal(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(sweeps->pointsDone(), 3, 30000);
        QVERIFY(!sweeps->running());
        QCOMPARE(sweeps->lineChart()->lineCount(), static_cast<int>(m_project.set.tasks.size()) + 1);
        Q_EMIT sweeps->applyRequested(sweeps->pointState(1));
        QCOMPARE(m_page->state().global.at("lambda"), 0.1);
        QCOMPARE(m_page->lambdaSpinBox()->value(), 0.1);
        WAIT_DRAWN();
        SETTLE();

        QVERIFY(sweeps->startGrid(0, 1, 0.0, 1.0, 2));
        QCOMPARE(sweeps->pointsTotal(), 4);
        QTRY_VERIFY_WITH_TIMEOUT(sweeps->pointsDone() >= 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(sweeps->pointsDone(), 4, 30000);
        widgets::HeatmapWidget* heatmap = sweeps->heatmap();
        QCOMPARE(heatmap->rowCount(), 2);
        QCOMPARE(heatmap->columnCount(), 2);
        // Cell (row 1 = task B weight 1, column 0 = task A weight 0): its average equals MergeTuner's.
        const TuneState cell = sweeps->pointState(2);
        QCOMPARE(cell.perModel[0].at("weight"), 0.0);
        QCOMPARE(cell.perModel[1].at("weight"), 1.0);
        QVERIFY(std::abs(heatmap->value(1, 0) - expected(cell).back()) < 1e-9);
        Q_EMIT heatmap->cellClicked(1, 0);
        QCOMPARE(m_page->state().perModel[0].at("weight"), 0.0);
        QCOMPARE(m_page->state().perModel[1].at("weight"), 1.0);
        WAIT_DRAWN();
        SETTLE();
    }

    void sweepCanBeCancelled()
    {
        if (!m_page)
            QSKIP("latency measurement run");
        gui::TuneSweepPanel* sweeps = m_page->sweepPanel();
        QVERIFY(sweeps->startSweep(QStringLiteral("a:weight"), 0.0, 1.0, 0.1));
        QVERIFY(sweeps->running());
        m_jobs->cancel(m_jobs->currentJob(QStringLiteral("tune-sweep"))); // what the jobs dock's Cancel does
        QTRY_VERIFY_WITH_TIMEOUT(!sweeps->running(), 10000);
        QVERIFY(sweeps->pointsDone() < sweeps->pointsTotal());
    }

    void controllerEvaluatesOnlyTheNewestRequest()
    {
        // The evaluation controller alone, no widgets: a request that cannot be evaluated takes a
        // generation but starts nothing; of two quick requests only the newer one's results arrive,
        // quick then full, and they are MergeTuner's numbers for that state.
        if (!m_page)
            QSKIP("latency measurement run");
        gui::GuiJobRunner jobs;
        gui::TuneEvaluationController controller(&jobs);
        QSignalSpy setupEnded(&controller, &gui::TuneEvaluationController::setupEnded);
        QList<gui::TuneOutcome> results;
        connect(&controller, &gui::TuneEvaluationController::evaluated, this,
                [&results](const gui::TuneOutcome& outcome) { results << outcome; });
        controller.load(m_project.set);
        QVERIFY(controller.busy());
        QTRY_COMPARE_WITH_TIMEOUT(setupEnded.count(), 1, 60000);
        QCOMPARE(setupEnded.at(0).at(0).value<Status>(), Status::Ok);
        QVERIFY(controller.setup().valid());
        QVERIFY(!controller.busy());

        TuneState older = m_page->state();
        older.perModel[0]["weight"] = 0.1;
        TuneState newer = older;
        newer.perModel[0]["weight"] = 0.9;
        QSignalSpy started(&jobs, &gui::GuiJobRunner::started);
        controller.request(older, false);
        QCOMPARE(controller.requestedGeneration(), quint64(1));
        QCOMPARE(started.count(), 0);
        QVERIFY(!controller.busy());
        controller.request(older, true);
        controller.request(newer, true); // supersedes the older one before its result can arrive
        QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 60000);
        QCOMPARE(controller.drawnGeneration(), controller.requestedGeneration());
        QCOMPARE(controller.quickResultsDrawn(), 1);
        QCOMPARE(controller.fullResultsDrawn(), 1);
        QCOMPARE(controller.latencies().size(), 1);
        QCOMPARE(results.size(), 2);
        QVERIFY(!results[0].full);
        QVERIFY(results[1].full);
        QList<double> quick;
        for (const TaskAccuracy& t : results[0].result.tasks)
            quick << 100.0 * t.accuracy;
        quick << 100.0 * results[0].result.average();
        compareValues(quick, expected(newer));
    }

    // By hand (not a ctest check): time from a slider move to its drawn bars on a real project.
    // MERGELAB_TUNE_LATENCY_PROJECT=/tmp/zoo_demo2/demo.mergelab.json build/tests/app/tst_tune_page latencyOnAProject
    void latencyOnAProject()
    {
        const QString path = qEnvironmentVariable("MERGELAB_TUNE_LATENCY_PROJECT");
        if (path.isEmpty())
            QSKIP("set MERGELAB_TUNE_LATENCY_PROJECT to measure");
        NullProgress progress;
        CancelToken cancel;
        const auto project = gui::openProjectWork(path)(progress, cancel).value<gui::ProjectSummary>();
        gui::GuiJobRunner jobs;
        TunePage page(&jobs);
        page.resize(1400, 900);
        page.show();
        QElapsedTimer open;
        open.start();
        page.setProject(project);
        QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 120000);
        qInfo("setup (load + references) and first evaluation: %lld ms", static_cast<long long>(open.elapsed()));
        const int models = static_cast<int>(project.set.models.size());
        QList<double> idle;
        for (int i = 0; i < 21; ++i) {
            const int before = page.evaluation()->latencies().size();
            page.coefficientSlider(i % models)->setValue(50 + (i * 7) % 60);
            QTRY_VERIFY_WITH_TIMEOUT(page.evaluation()->latencies().size() == before + 1, 60000);
            idle << page.evaluation()->latencies().back();
            QTRY_VERIFY_WITH_TIMEOUT(!page.busy(), 60000); // the full-validation refinement too
        }
        // A drag: a new position every 30 ms; time from the last position to its bars.
        QSlider* slider = page.coefficientSlider(0);
        slider->setSliderDown(true);
        const int before = page.evaluation()->latencies().size();
        for (int v = 60; v <= 100; v += 4) {
            slider->setValue(v);
            QTest::qWait(30);
        }
        slider->setSliderDown(false);
        QTRY_VERIFY_WITH_TIMEOUT(page.evaluation()->drawnGeneration() == page.evaluation()->requestedGeneration(),
                                 60000);
        const double dragEnd = page.evaluation()->latencies().back();
        const int drawnDuringDrag = page.evaluation()->latencies().size() - before;
        std::sort(idle.begin(), idle.end());
        qInfo("slider move -> bars drawn over %d moves: median %.1f ms, min %.1f, max %.1f", int(idle.size()),
              idle[idle.size() / 2], idle.front(), idle.back());
        qInfo("drag of 11 positions at 30 ms: last position -> bars %.1f ms, %d intermediate results drawn", dragEnd,
              drawnDuringDrag);
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_jobs.reset();
    }
};

QTEST_MAIN(TestTunePage)
#include "tst_tune_page.moc"
