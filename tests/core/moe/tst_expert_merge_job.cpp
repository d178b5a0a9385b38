// The expert-merge spec and its job: every option check (table), the router rule the core decides
// (table), and a merge-to-2 of the Mixtral fixture whose groups and router rows match
// tests/fixtures/moe/make_moe_fixtures.py (python3-torch) and whose experts are the members' means.
#include "spec_validation.h"
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/expert_merge_job.h"
#include "moe/moe_layout.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace mergelab;

Q_DECLARE_METATYPE(mergelab::RouterRule)

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}

at::Tensor tensor(const Checkpoint& c, const std::string& name)
{
    return toTorch(c.read(name)).to(at::kFloat).clone();
}

// A spec that passes validate(): analysis of the Mixtral fixture.
ExpertMergeSpec analysisSpec()
{
    ExpertMergeSpec s;
    s.input = fixture("mixtral");
    return s;
}
} // namespace

class TestExpertMergeJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validate_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("message"); // "" = accepted
        QTest::newRow("analysis") << ""
                                  << "";
        QTest::newRow("merge") << "k=2,out"
                               << "";
        QTest::newRow("random without K") << "random"
                                          << "--by random is a baseline for --merge-to K";
        QTest::newRow("random with K") << "random,k=2,out"
                                       << "";
        QTest::newRow("drop without data") << "drop,k=2,out"
                                           << "--drop-least-used needs --merge-to K and --data";
        QTest::newRow("drop without K") << "drop,data"
                                        << "--drop-least-used needs --merge-to K and --data";
        QTest::newRow("drop and random") << "drop,random,data,k=2,out"
                                         << "different baselines; choose one";
        QTest::newRow("outputs without data") << "outputs"
                                              << "--by outputs needs calibration images";
        QTest::newRow("outputs with data") << "outputs,data"
                                           << "";
        QTest::newRow("K without output") << "k=2"
                                          << "--merge-to needs -o OUT";
        QTest::newRow("output without K") << "out"
                                          << "-o is for --merge-to K";
        QTest::newRow("negative K") << "k=-1"
                                    << "--merge-to -1 is out of range";
        QTest::newRow("no calibration images") << "calibration=0"
                                               << "--calibration 0";
        QTest::newRow("threshold above 1") << "threshold=2"
                                           << "--threshold";
        QTest::newRow("no input") << "noinput"
                                  << "no MoE checkpoint given";
    }
    void validate()
    {
        QFETCH(QString, change);
        QFETCH(QString, message);
        ExpertMergeSpec s = analysisSpec();
        for (const QString& c : change.split(',', Qt::SkipEmptyParts)) {
            if (c == "random")
                s.by = ExpertGrouping::Random;
            else if (c == "outputs")
                s.by = ExpertGrouping::Outputs;
            else if (c == "drop")
                s.dropLeastUsed = true;
            else if (c == "data")
                s.calibrationData = {"calib.h5"};
            else if (c == "out")
                s.output = "out";
            else if (c == "noinput")
                s.input.clear();
            else if (c.startsWith("k="))
                s.targetExperts = c.mid(2).toInt();
            else if (c.startsWith("calibration="))
                s.calibrationImages = c.mid(12).toLongLong();
            else if (c.startsWith("threshold="))
                s.threshold = c.mid(10).toDouble();
            else
                QFAIL(qPrintable("unknown change " + c));
        }
        QString outcome;
        QVERIFY2(validatesAs(s, message, &outcome), qPrintable(outcome));
    }

    void routerRule_data()
    {
        QTest::addColumn<QString>("asked"); // "" = auto
        QTest::addColumn<bool>("data");
        QTest::addColumn<bool>("drop");
        QTest::addColumn<RouterRule>("rule");
        QTest::newRow("auto, no data: mean") << "" << false << false << RouterRule::Mean;
        QTest::newRow("auto, data: lse fit") << "" << true << false << RouterRule::LseFit;
        QTest::newRow("asked usage") << "usage" << true << false << RouterRule::Usage;
        QTest::newRow("asked lse without data") << "lse" << false << false << RouterRule::LseFit;
        QTest::newRow("drop keeps own rows") << "lse" << true << true << RouterRule::Mean;
        QTest::newRow("drop, auto") << "" << true << true << RouterRule::Mean;
    }
    void routerRule()
    {
        QFETCH(QString, asked);
        QFETCH(bool, data);
        QFETCH(bool, drop);
        QFETCH(RouterRule, rule);
        ExpertMergeSpec s = analysisSpec();
        if (!asked.isEmpty())
            s.router = parseRouterRule(asked.toStdString());
        if (data)
            s.calibrationData = {"calib.h5"};
        s.dropLeastUsed = drop;
        QCOMPARE(s.routerRule(), rule);
    }

    void analysisOnlyWritesNothing()
    {
        ExpertMergeJob job(analysisSpec());
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        QVERIFY(!job.outcome().merged);
        QCOMPARE(job.outcome().layout.numExperts, 4);
        QCOMPARE(int(job.outcome().layers.size()), 2);
        QVERIFY(job.outcome().layers[0].groups.empty());
        QCOMPARE(int(job.outcome().layers[0].tree.size()), 3);
    }

    // K = 2 with the defaults: weight-similarity groups (the fixture plants experts 2 = copy of 0 and
    // 3 = noisy copy of 1 in layer 0), router rows averaged (no data: the mean rule), experts the
    // plain mean of their members, all checked against python3-torch's numbers and by hand.
    void mergeToTwoMatchesReference()
    {
        QTemporaryDir dir;
        ExpertMergeSpec s = analysisSpec();
        s.targetExperts = 2;
        s.output = dir.filePath("merged").toStdString();
        ExpertMergeJob job(s);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        const ExpertMergeOutcome& o = job.outcome();
        QVERIFY(o.merged);
        QCOMPARE(o.router, RouterRule::Mean);
        QCOMPARE(o.layers[0].groups, (std::vector<std::vector<int>>{{0, 2}, {1, 3}}));
        QCOMPARE(o.merge.layers[0].groups, o.layers[0].groups); // the groups shown are the groups merged

        const auto input = Checkpoint::open(fixture("mixtral"));
        const auto merged = Checkpoint::open(o.merge.path);
        const auto expected = Checkpoint::open(fixture("expected_forward.safetensors"));
        const MoeLayout after = detectMoeLayout(*merged);
        QCOMPARE(after.numExperts, 2);
        QVERIFY(
            at::allclose(tensor(*merged, after.layers[0].router), tensor(*expected, "merged_mean_gate"), 1e-5, 1e-6));
        const std::string p = "model.layers.0.block_sparse_moe.experts.";
        for (const char* role : {"w1.weight", "w2.weight", "w3.weight"}) {
            const at::Tensor mean = (tensor(*input, p + "1." + role) + tensor(*input, p + "3." + role)) / 2;
            QVERIFY2(at::allclose(tensor(*merged, p + "1." + role), mean, 1e-5, 1e-6), role);
        }
    }

    // Moved from tst_expert_merge.cpp with the job. The analysis reports 3 updates for the two
    // layers, so the 5th falls while the merged checkpoint is being written.
    void cancelLeavesNothing()
    {
        QTemporaryDir dir;
        ExpertMergeSpec s = analysisSpec();
        s.targetExperts = 2;
        s.output = dir.filePath("cancelled").toStdString();
        ExpertMergeJob job(s);
        CancelToken cancel;
        int updates = 0;
        CallbackProgress progress([&](double, double, const std::string&) {
            if (++updates == 5)
                cancel.cancel();
        });
        QCOMPARE(runJob(job, progress, cancel).status, Status::Cancelled);
        QVERIFY(updates >= 5);
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestExpertMergeJob)
#include "tst_expert_merge_job.moc"
