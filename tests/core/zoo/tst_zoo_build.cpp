// ctest-labels: slow
// The tiny zoo: files and project, fine-tunes beat the base on their own task (read back from
// the written files by the evaluator), refusal to overwrite, cancel leaves nothing behind.
#include "common/error.h"
#include "eval/evaluator.h"
#include "zoo/zoo_builder.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace mergelab;
namespace fs = std::filesystem;

class TestZooBuild : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tinyBuildFineTunesBeatTheBase()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("zoo").toStdString();
        ZooBuildJob job(out, zooPreset("tiny"), 0);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        for (const char* file : {"demo.mergelab.json", "config.json", "heads.safetensors", "MODEL_CARD.md",
                                 "model_card.json", "checkpoints/base.safetensors", "data/fashion.h5"})
            QVERIFY2(fs::exists(fs::path(out) / file), file);
        QVERIFY(!fs::exists(out + ".partial"));

        const ModelSet set = ModelSet::load(out + "/demo.mergelab.json");
        QVERIFY(set.models.size() >= 6);
        Evaluator evaluator(set, "test");
        const EvalResult base = evaluator.evaluateCheckpoint(set.base.path, progress, cancel);
        for (std::size_t i = 0; i < set.models.size(); ++i) {
            const EvalResult own = evaluator.evaluateCheckpoint(set.models[i].path, progress, cancel);
            QCOMPARE(own.tasks[i].name, set.models[i].task);
            QVERIFY2(own.tasks[i].accuracy > base.tasks[i].accuracy,
                     (set.models[i].name + ": " + std::to_string(own.tasks[i].accuracy) + " vs base " +
                      std::to_string(base.tasks[i].accuracy))
                         .c_str());
        }
        // The builder's own (in-memory) numbers agree with the files read back.
        QCOMPARE(job.report().scores.front().test.at(base.tasks[0].name), base.tasks[0].accuracy);

        ZooBuildJob again(out, zooPreset("tiny"), 0);
        const JobResult refused = runJob(again, progress, cancel);
        QCOMPARE(int(refused.status), int(Status::Failed));
        QVERIFY(refused.message.find("already holds a model set") != std::string::npos);
    }

    void cancelLeavesNothingBehind()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("zoo").toStdString();
        ZooBuildJob job(out, zooPreset("tiny"), 0);
        CancelToken cancel;
        CallbackProgress progress([&](double done, double, const std::string&) {
            if (done > 10)
                cancel.cancel(); // during pretraining
        });
        QCOMPARE(int(runJob(job, progress, cancel).status), int(Status::Cancelled));
        QVERIFY(!fs::exists(out));
        QVERIFY(!fs::exists(out + ".partial"));
    }

    void unknownPreset() { QVERIFY_THROWS_EXCEPTION(InputError, zooPreset("huge")); }
};

QTEST_GUILESS_MAIN(TestZooBuild)
#include "tst_zoo_build.moc"
