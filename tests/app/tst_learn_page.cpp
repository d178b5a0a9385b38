// ctest-labels: slow
// The Learn page on a micro model set built by the zoo in the test's temp dir: a short AdaMerging
// run draws one loss point per step and validation points per task; a short WEMoE run fills the
// routing heatmap (task x task vector, starting at λ by construction); both export files the core
// reads back; a superseding run drops the old run's points.
#include "gui/gui_job_runner.h"
#include "gui/learn_page.h"
#include "gui/project_loader.h"

#include "heatmap_widget.h"

#include "models/functional_vit.h"
#include "datamerge/wemoe_model.h"
#include "eval/evaluator.h"
#include "zoo/zoo_builder.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>
#include <memory>

using namespace mergelab;
using mergelab::gui::LearnPage;
using mergelab::gui::LearnSettings;

namespace {
// Smaller than the "tiny" preset: the test needs a working set, not a good one.
ZooPreset microPreset()
{
    ZooPreset p = zooPreset("tiny");
    p.name = "micro";
    p.pretrainData = {1000, 100, 0};
    p.taskData = {300, 100, 64};
    p.pretrain.steps = 60;
    p.finetune.steps = 30;
    p.headSamples = 150;
    return p;
}
} // namespace

class TestLearnPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    gui::ProjectSummary m_project;
    std::unique_ptr<gui::GuiJobRunner> m_jobs;
    std::unique_ptr<LearnPage> m_page;

    bool runAndWait(const LearnSettings& s)
    {
        QSignalSpy ended(m_page.get(), &LearnPage::runEnded);
        m_page->setSettings(s);
        if (!m_page->run())
            return false;
        if (!ended.wait(120000) && ended.isEmpty())
            return false;
        return ended.first().first().toBool();
    }

private Q_SLOTS:
    void initTestCase()
    {
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
        m_jobs = std::make_unique<gui::GuiJobRunner>();
        m_page = std::make_unique<LearnPage>(m_jobs.get());
        m_page->resize(1200, 700);
        m_page->setProject(m_project);
    }

    void adaMergingDrawsLossAndValidation()
    {
        LearnSettings s;
        s.method = QStringLiteral("adamerging");
        s.steps = 6;
        s.learningRate = 1e-2;
        s.batch = 8;
        s.validateEvery = 3;
        s.validationSamples = 40;
        QVERIFY(runAndWait(s));
        QCOMPARE(m_page->lossPointCount(), 6);
        // Validation after steps 3 and 6, one point per task each.
        QCOMPARE(m_page->validationPointCount(), 2 * static_cast<int>(m_project.set.models.size()));
        QVERIFY(m_page->hasResult());

        const QString file = m_dir.filePath(QStringLiteral("ada.safetensors"));
        QSignalSpy exported(m_page.get(), &LearnPage::exported);
        m_page->exportTo(file);
        QVERIFY(exported.wait(30000));
        const auto tensors = readCheckpointTensors(file.toStdString());
        const ClipVisionConfig config = ClipVisionConfig::load(m_project.set.architecture.config);
        for (const std::string& name : vitParameterNames(config))
            QVERIFY2(tensors.count(name), name.c_str());
    }

    // Cancel pressed after the export had already written its file (the job's "finished" was still
    // queued): the user said no, so the file it created must go, and the page says cancelled.
    void exportCancelledAfterWritingLeavesNoFile()
    {
        QVERIFY(m_page->hasResult()); // the AdaMerging run above
        const QString file = m_dir.filePath(QStringLiteral("cancelled.safetensors"));
        QSignalSpy ended(m_jobs.get(), &gui::GuiJobRunner::ended);
        QSignalSpy exported(m_page.get(), &LearnPage::exported);
        m_page->exportTo(file);
        // No event processing here: the job's completion stays queued while the worker writes.
        QElapsedTimer waited;
        waited.start();
        while (!QFileInfo::exists(file) && waited.elapsed() < 30000)
            QThread::msleep(5);
        QVERIFY(QFileInfo::exists(file));
        QThread::msleep(300); // the worker returns right after writing
        m_jobs->cancelAll();
        QVERIFY(ended.wait(30000));
        QCOMPARE(ended.first().at(1).value<Status>(), Status::Cancelled);
        QVERIFY(!QFileInfo::exists(file));
        QCOMPARE(exported.count(), 0);
    }

    void wemoeFillsTheRoutingHeatmap()
    {
        LearnSettings s;
        s.method = QStringLiteral("wemoe");
        s.steps = 2;
        s.learningRate = 1e-4;
        s.batch = 8;
        s.validateEvery = 2;
        s.validationSamples = 30;
        s.lambda = 0.3;
        QVERIFY(runAndWait(s));
        QCOMPARE(m_page->lossPointCount(), 2);
        const int tasks = static_cast<int>(m_project.set.models.size());
        const widgets::HeatmapWidget* heatmap = m_page->routingHeatmap();
        QCOMPARE(heatmap->rowCount(), tasks);
        QCOMPARE(heatmap->columnCount(), tasks);
        // Routers start at output bias λ with weights ~N(0, 0.01): after two steps at lr 1e-4 every
        // mean routing weight is still λ to within a few hundredths.
        for (int r = 0; r < tasks; ++r)
            for (int c = 0; c < tasks; ++c)
                QVERIFY2(std::abs(heatmap->value(r, c) - 0.3) < 0.05,
                         qPrintable(QString::number(heatmap->value(r, c))));

        const QString folder = m_dir.filePath(QStringLiteral("wemoe"));
        QSignalSpy exported(m_page.get(), &LearnPage::exported);
        m_page->exportTo(folder);
        QVERIFY(exported.wait(30000));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/wemoe.json")));
        auto model = WeMoeModel::load(folder.toStdString());
        QCOMPARE(static_cast<int>(model->config().taskNames.size()), tasks);
    }

    void supersededRunDropsItsPoints()
    {
        LearnSettings s;
        s.method = QStringLiteral("adamerging-layerwise");
        s.steps = 400;
        s.validateEvery = 0;
        m_page->setSettings(s);
        QVERIFY(m_page->run());
        QTRY_VERIFY_WITH_TIMEOUT(m_page->lossPointCount() > 0, 60000);
        // A new project starts over: the old run is cancelled and its later steps are not drawn.
        m_page->setProject(m_project);
        QCOMPARE(m_page->lossPointCount(), 0);
        QTest::qWait(300);
        QCOMPARE(m_page->lossPointCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_jobs->runningCount(), 0, 30000);
    }
};

QTEST_MAIN(TestLearnPage)
#include "tst_learn_page.moc"
