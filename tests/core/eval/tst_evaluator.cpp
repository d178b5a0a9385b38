// Evaluator accuracy against hand counts, limits, errors, and cancellation.
#include "eval_fixture.h"

#include "common/error.h"
#include "eval/evaluator.h"
#include "eval/merge_tuner.h"
#include "merge/merge_method.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace mergelab;

class TestEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void accuracyEqualsHandCount_data()
    {
        QTest::addColumn<QString>("split");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("samples");
        QTest::addColumn<double>("accuracy");
        QTest::newRow("test") << "test" << -1 << 5 << 3.0 / 5;
        QTest::newRow("test, first 4") << "test" << 4 << 4 << 2.0 / 4;
        QTest::newRow("val") << "val" << -1 << 4 << 1.0 / 4;
    }
    void accuracyEqualsHandCount()
    {
        QFETCH(QString, split);
        QFETCH(int, limit);
        QFETCH(int, samples);
        QFETCH(double, accuracy);
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeProject(dir.path().toStdString()));
        Evaluator evaluator(set, split.toStdString(), limit);
        evaluator.batchSize = 2; // several batches, spread over threads
        NullProgress progress;
        CancelToken cancel;
        const EvalResult r = evaluator.evaluateCheckpoint(set.base.path, progress, cancel);
        QCOMPARE(int(r.tasks.size()), 1);
        QCOMPARE(r.tasks[0].name, std::string("t"));
        QCOMPARE(int(r.tasks[0].samples), samples);
        QCOMPARE(r.tasks[0].accuracy, accuracy);
        QCOMPARE(r.average(), accuracy);
        QCOMPARE(r.split, split.toStdString());
    }

    void tunerMergesAndEvaluates()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeProject(dir.path().toStdString()));
        MergeTuner tuner(set, 256, "test");
        NullProgress progress;
        CancelToken cancel;
        TensorParams p;
        p.global["lambda"] = 0.5;
        // The only model equals the base: any task arithmetic merge is the base again.
        const EvalResult r = tuner.evaluate(tuner.recipe("task_arithmetic", p), progress, cancel);
        QCOMPARE(r.tasks[0].accuracy, 3.0 / 5);
        QVERIFY_THROWS_EXCEPTION(InputError, tuner.evaluate(tuner.recipe("no_such_method", p), progress, cancel));
    }

    void missingTensorIsNamed()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeProject(dir.path().toStdString()));
        const std::string other = dir.filePath("partial.safetensors").toStdString();
        evalfixture::writeTensors(other, {{"visual_projection.weight", at::zeros({4, 8})}});
        Evaluator evaluator(set, "test");
        NullProgress progress;
        CancelToken cancel;
        try {
            evaluator.evaluateCheckpoint(other, progress, cancel);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(other + ": vision_model.") == 0, e.what());
        }
    }

    void cancelStopsTheJob()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(evalfixture::writeProject(dir.path().toStdString()));
        auto evaluator = std::make_shared<Evaluator>(set, "test");
        evaluator->batchSize = 1;
        CancelToken cancel;
        int updates = 0;
        CallbackProgress progress([&](double, double, const std::string&) {
            ++updates;
            cancel.cancel(); // the user presses Cancel after the first batch
        });
        EvaluateJob job(evaluator, set.base.path);
        const JobResult r = runJob(job, progress, cancel);
        QCOMPARE(int(r.status), int(Status::Cancelled));
        QVERIFY(updates >= 1 && updates < 5);

        CancelToken already;
        already.cancel();
        EvaluateJob again(evaluator, set.base.path);
        NullProgress quiet;
        QCOMPARE(int(runJob(again, quiet, already).status), int(Status::Cancelled));
    }
};

QTEST_GUILESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
