// The BTX spec and its job: every option check as a table row; routers from data asked for a
// language model without a tokenizer are refused after the scratch build, leaving nothing.
#include "spec_validation.h"
#include "common/error.h"
#include "jobs/job.h"
#include "moe/btx_job.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}

BtxSpec llamaSpec(const QTemporaryDir& dir)
{
    BtxSpec s;
    s.base = fixture("dense_llama");
    s.experts = {fixture("dense_llama") + "/model.safetensors"};
    s.options.topK = 1;
    s.output = dir.filePath("out").toStdString();
    return s;
}
} // namespace

class TestBtxJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validate_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("message"); // "" = accepted
        QTest::newRow("random routers") << ""
                                        << "";
        QTest::newRow("hidden without data") << "hidden"
                                             << "--router hidden needs --data PROJECT";
        QTest::newRow("hidden with data") << "hidden,data"
                                          << "";
        QTest::newRow("finetune without data") << "finetune=5"
                                               << "--finetune-router needs --data PROJECT";
        QTest::newRow("finetune with data") << "finetune=5,data"
                                            << "";
        QTest::newRow("negative steps") << "finetune=-2,data"
                                        << "--finetune-router -2: expected a number of steps >= 0";
        QTest::newRow("no calibration images") << "calibration=0"
                                               << "--calibration 0";
        QTest::newRow("no experts") << "noexperts"
                                    << "at least one expert";
        QTest::newRow("no output") << "nooutput"
                                   << "needs an output folder";
    }
    void validate()
    {
        QFETCH(QString, change);
        QFETCH(QString, message);
        QTemporaryDir dir;
        BtxSpec s = llamaSpec(dir);
        for (const QString& c : change.split(',', Qt::SkipEmptyParts)) {
            if (c == "hidden")
                s.router = BtxRouterInit::Hidden;
            else if (c == "data")
                s.data = "p.mergelab.json";
            else if (c == "noexperts")
                s.experts.clear();
            else if (c == "nooutput")
                s.output.clear();
            else if (c.startsWith("finetune=")) {
                s.finetuneRouters = true;
                s.finetune.steps = c.mid(9).toInt();
            } else if (c.startsWith("calibration="))
                s.calibrationImages = c.mid(12).toLongLong();
            else
                QFAIL(qPrintable("unknown change " + c));
        }
        QString outcome;
        QVERIFY2(validatesAs(s, message, &outcome), qPrintable(outcome));
    }

    void routersFromDataNeedATokenizer()
    {
        QTemporaryDir dir;
        BtxSpec s = llamaSpec(dir);
        s.router = BtxRouterInit::Hidden;
        s.data = dir.filePath("p.mergelab.json").toStdString(); // not read: the folder is refused first
        BtxJob job(s);
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QCOMPARE(r.status, Status::Failed);
        QVERIFY2(r.message.find("dense_llama: no tokenizer in the folder") != std::string::npos, r.message.c_str());
        QVERIFY2(r.message.find('\n') == std::string::npos, r.message.c_str());
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }

    void randomRoutersWrite()
    {
        QTemporaryDir dir;
        BtxJob job(llamaSpec(dir));
        NullProgress progress;
        CancelToken cancel;
        const JobResult r = runJob(job, progress, cancel);
        QVERIFY2(r.status == Status::Ok, r.message.c_str());
        QCOMPARE(job.result().experts, 1);
        QCOMPARE(job.result().topK, 1);
        QVERIFY(job.finetuneResult().history.empty());
        QVERIFY(std::filesystem::exists(job.result().path));
    }
};

QTEST_GUILESS_MAIN(TestBtxJob)
#include "tst_btx_job.moc"
