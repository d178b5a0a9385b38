// FinetuneJob and DiagnoseJob on a tiny generated project: files written, determinism, SAM differs,
// the own-task accuracy agrees with the evaluator, bad input and cancel leave nothing behind.
#include "common/error.h"
#include "eval/evaluator.h"
#include "io/checkpoint.h"
#include "io/model_set.h"
#include "mergeability/diagnostics.h"
#include "mergeability/finetune.h"
#include "tiny_project.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;

namespace {

FinetuneOptions quickOptions(const ModelSet& set, bool sam, double rho, uint64_t seed = 0)
{
    FinetuneOptions o = defaultFinetuneOptions(set);
    o.train.steps = 12;
    o.train.batchSize = 16;
    o.train.learningRate = 1e-3;
    o.train.warmupSteps = 2;
    o.train.sam = sam;
    o.train.samRho = rho;
    o.seed = seed;
    return o;
}

} // namespace

class TestMergeabilityJobs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void finetuneWritesDeterministicCheckpoints()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(tinyproject::writeProject(dir.path().toStdString()));
        NullProgress quiet;
        CancelToken cancel;
        std::vector<std::string> outs;
        for (const auto& [name, sam, seed] :
             {std::tuple{"p1", false, 0}, {"p2", false, 0}, {"s", true, 0}, {"q", false, 1}}) {
            const std::string out = dir.filePath(QString(name) + ".safetensors").toStdString();
            FinetuneJob job(set, {"b"}, quickOptions(set, sam, 0.05, uint64_t(seed)), out, false);
            job.run(quiet, cancel);
            QCOMPARE(job.results().size(), std::size_t(1));
            QVERIFY(!job.results()[0].lossCurve.empty());
            QCOMPARE(job.results()[0].lossCurve.back().first, int64_t(12));
            outs.push_back(out);
        }
        const auto p1 = readCheckpointTensors(outs[0]), p2 = readCheckpointTensors(outs[1]),
                   s = readCheckpointTensors(outs[2]), q = readCheckpointTensors(outs[3]),
                   base = readCheckpointTensors(set.base.path);
        QCOMPARE(p1.size(), base.size());
        bool samDiffers = false, seedDiffers = false, moved = false;
        for (const auto& [name, t] : p1) {
            QVERIFY2(at::equal(t, p2.at(name)), name.c_str());
            samDiffers |= !at::equal(t, s.at(name));
            seedDiffers |= !at::equal(t, q.at(name));
            moved |= !at::equal(t, base.at(name));
        }
        QVERIFY(samDiffers && seedDiffers && moved);
        QCOMPARE(Checkpoint::open(outs[2])->metadata().at("mergelab_finetune_sam_rho"), std::string("0.05"));
    }

    void defaultsComeFromTheModelCard()
    {
        QTemporaryDir dir;
        const std::string project = tinyproject::writeProject(dir.path().toStdString());
        const ModelSet set = ModelSet::load(project);
        const std::string card = (std::filesystem::path(set.projectFolder()) / "model_card.json").string();
        auto writeCard = [&](const std::string& text) {
            std::ofstream out(card, std::ios::binary);
            out << text;
        };
        // No card: 400 steps, lr 5e-5, warm-up a tenth of the steps.
        std::filesystem::remove(card);
        FinetuneOptions o = defaultFinetuneOptions(set);
        QCOMPARE(o.train.steps, int64_t(400));
        QCOMPARE(o.train.warmupSteps, int64_t(40));
        // A card with warm-up (what the zoo writes now): every setting as recorded, so a fine-tune
        // with the zoo's seed re-creates the zoo's checkpoint.
        writeCard(R"({"finetuning": {"steps": 1000, "batch_size": 32, "learning_rate": 2e-4, "warmup_steps": 40,
                      "logit_scale": 10.0}})");
        o = defaultFinetuneOptions(set);
        QCOMPARE(o.train.steps, int64_t(1000));
        QCOMPARE(o.train.batchSize, int64_t(32));
        QCOMPARE(o.train.learningRate, 2e-4);
        QCOMPARE(o.train.warmupSteps, int64_t(40));
        QCOMPARE(o.train.logitScale, 10.0);
        // An older card without warm-up: a tenth of its steps.
        writeCard(R"({"finetuning": {"steps": 500}})");
        QCOMPARE(defaultFinetuneOptions(set).train.warmupSteps, int64_t(50));
        // A card that is not JSON only loses its defaults.
        writeCard("{not json");
        o = defaultFinetuneOptions(set);
        QCOMPARE(o.train.steps, int64_t(400));
        QCOMPARE(o.train.warmupSteps, int64_t(40));
    }

    void allTasksWriteAProjectBesideTheSource()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(tinyproject::writeProject(dir.path().toStdString()));
        NullProgress quiet;
        CancelToken cancel;
        const std::string out = dir.filePath("sam-set").toStdString();
        FinetuneJob job(set, {}, quickOptions(set, true, 0.05), out, true);
        job.run(quiet, cancel);
        QCOMPARE(job.written(), out + "/sam-set.mergelab.json");
        const ModelSet written = ModelSet::load(job.written());
        QCOMPARE(written.models.size(), std::size_t(2));
        QCOMPARE(written.base.path, set.base.path);
        QCOMPARE(written.tasks.size(), set.tasks.size());
        QVERIFY(std::filesystem::exists(out + "/finetune_card.json"));
        QVERIFY(!std::filesystem::exists(out + ".partial"));
        // The project is usable: the evaluator runs on it.
        Evaluator eval(written, "val");
        QCOMPARE(eval.evaluateCheckpoint(written.models[0].path, quiet, cancel).tasks.size(), std::size_t(2));
    }

    void badInputIsAOneLineError_data()
    {
        QTest::addColumn<QString>("task");
        QTest::addColumn<double>("rho");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown task") << "nope" << 0.05 << "unknown task \"nope\" (tasks: a, b)";
        QTest::newRow("negative rho") << "a" << -0.1 << "rho must be >= 0";
    }
    void badInputIsAOneLineError()
    {
        QFETCH(QString, task);
        QFETCH(double, rho);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(tinyproject::writeProject(dir.path().toStdString()));
        NullProgress quiet;
        CancelToken cancel;
        const std::string out = dir.filePath("x.safetensors").toStdString();
        FinetuneJob job(set, {task.toStdString()}, quickOptions(set, true, rho), out, false);
        try {
            job.run(quiet, cancel);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY(!QString(e.what()).contains('\n'));
        }
        QVERIFY(!std::filesystem::exists(out));
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(tinyproject::writeProject(dir.path().toStdString()));
        CancelToken cancel;
        CallbackProgress cancelling([&](double done, double, const std::string&) {
            if (done > 0)
                cancel.cancel();
        });
        const std::string out = dir.filePath("c").toStdString();
        FinetuneJob job(set, {}, quickOptions(set, false, 0), out, true);
        QVERIFY_THROWS_EXCEPTION(CancelledError, job.run(cancelling, cancel));
        QVERIFY(!std::filesystem::exists(out));
        QVERIFY(!std::filesystem::exists(out + ".partial"));

        CancelToken cancel2;
        CallbackProgress cancelling2([&](double, double, const std::string& m) {
            if (m.find("disentanglement") != std::string::npos)
                cancel2.cancel();
        });
        DiagnoseJob diagnose(set, DiagnosticsOptions{});
        QVERIFY_THROWS_EXCEPTION(CancelledError, diagnose.run(cancelling2, cancel2));
    }

    void diagnoseReportsEverything()
    {
        QTemporaryDir dir;
        const ModelSet set = ModelSet::load(tinyproject::writeProject(dir.path().toStdString()));
        DiagnosticsOptions o;
        o.limit = 32;
        o.rho = 0.1;
        o.alpha = 1.0;
        o.surfaceA = "a";
        o.surfaceB = "b";
        o.grid = {0, 0.5, 1};
        NullProgress quiet;
        CancelToken cancel;
        DiagnoseJob job(set, o);
        job.run(quiet, cancel);
        const DiagnosticsReport& r = job.report();
        QCOMPARE(r.sharpness.size(), std::size_t(2));
        Evaluator eval(set, "val", 32);
        for (const ModelSharpness& m : r.sharpness) {
            QVERIFY(m.result.sharpness > 0); // off the minimum a normalised ascent raises the loss
            QCOMPARE(m.result.batches, int64_t(1));
            const EvalResult e = eval.evaluateCheckpoint(set.findModel(m.model)->path, quiet, cancel);
            for (const TaskAccuracy& t : e.tasks)
                if (t.name == m.task)
                    QVERIFY(std::abs(t.accuracy - m.accuracy) < 1e-6);
        }
        QVERIFY(r.disentanglement);
        QCOMPARE(r.disentanglement->pairs[0][1], r.disentanglement->pairs[1][0]);
        QVERIFY(r.surface);
        QCOMPARE(r.surface->loss.size(), std::size_t(3));
        QCOMPARE(r.surface->loss[0].size(), std::size_t(3));
        // At (1, 0) task a sees its own fine-tune: the accuracy there is part of the mean.
        QVERIFY(r.toJson().find("\"pair_mean\"") != std::string::npos);
        QVERIFY(r.toText().find("sharpness") != std::string::npos);

        DiagnosticsOptions bad = o;
        bad.surfaceB = "zzz";
        DiagnoseJob badJob(set, bad);
        QVERIFY_THROWS_EXCEPTION(InputError, badJob.run(quiet, cancel));
    }
};

QTEST_GUILESS_MAIN(TestMergeabilityJobs)
#include "tst_mergeability_jobs.moc"
