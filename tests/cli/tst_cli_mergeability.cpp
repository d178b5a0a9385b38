// mergelab-cli finetune / diagnose on the tiny generated project (tests/core/mergeability/tiny_project.h):
// outputs, JSON keys, and bad input as one-line errors with the documented exit codes.
#include "tiny_project.h"
#include "cli_run.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

class TestCliMergeability : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void finetuneWritesACheckpointAndPrintsTheLossCurve()
    {
        QTemporaryDir dir;
        const QString project = QString::fromStdString(tinyproject::writeProject(dir.path().toStdString()));
        const QString out = dir.filePath("a-sam.safetensors");
        const CliRun r = runCli({"finetune", project, "--task", "a", "--sam", "0.05", "--steps", "25", "--batch", "16",
                                 "--lr", "1e-3", "-q", "-o", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(out));
        QVERIFY2(r.out.contains("SAM rho 0.05"), qPrintable(r.out));
        QVERIFY(r.out.contains("step    25  loss"));

        const CliRun j = runCli({"finetune", project, "--all-tasks", "--steps", "5", "--batch", "8", "-q", "--json",
                                 "-o", dir.filePath("set")});
        QVERIFY2(j.exitCode == 0, qPrintable(j.err));
        const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QCOMPARE(o["sam"].toBool(), false);
        QCOMPARE(o["tasks"].toArray().size(), 2);
        QVERIFY(o["tasks"].toArray()[0].toObject()["loss_curve"].toArray().size() >= 1);
        QVERIFY(QFile::exists(dir.filePath("set/set.mergelab.json")));
    }

    void diagnoseWritesJson()
    {
        QTemporaryDir dir;
        const QString project = QString::fromStdString(tinyproject::writeProject(dir.path().toStdString()));
        const QString json = dir.filePath("d.json");
        const CliRun r = runCli(
            {"diagnose", project, "--limit", "32", "--surface", "a,b", "--grid", "0:1:0.5", "-q", "--json", json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("sharpness (rho 0.05)"));
        QVERIFY(r.out.contains("weight-disentanglement error"));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        for (const char* key : {"sharpness", "disentanglement", "surface", "rho", "alpha"})
            QVERIFY2(o.contains(key), key);
        QCOMPARE(o["surface"].toObject()["accuracy"].toArray().size(), 3);
        QCOMPARE(o["sharpness"].toArray().size(), 2);
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown task") << QStringList{"finetune", "@P", "--task", "nope", "-o", "@D/x.safetensors"} << 1
                                      << "unknown task \"nope\"";
        QTest::newRow("negative rho") << QStringList{"finetune",   "@P", "--task",          "a",
                                                     "--sam=-0.1", "-o", "@D/x.safetensors"}
                                      << 1 << "rho must be >= 0";
        QTest::newRow("missing project") << QStringList{"finetune", "@D/none.mergelab.json", "--task", "a",
                                                        "-o",       "@D/x.safetensors"}
                                         << 1 << "none.mergelab.json";
        QTest::newRow("no task") << QStringList{"finetune", "@P", "-o", "@D/x.safetensors"} << 1
                                 << "--task NAME or --all-tasks";
        QTest::newRow("existing output") << QStringList{"finetune", "@P", "--task", "a", "-o", "@D/a.safetensors"} << 1
                                         << "exists";
        QTest::newRow("diagnose rho") << QStringList{"diagnose", "@P", "--rho=-1"} << 1 << "--rho must be >= 0";
        QTest::newRow("diagnose missing project")
            << QStringList{"diagnose", "@D/none.mergelab.json"} << 1 << "none.mergelab.json";
        QTest::newRow("diagnose unknown surface task")
            << QStringList{"diagnose", "@P", "--surface", "a,zz"} << 1 << "unknown task \"zz\"";
        QTest::newRow("diagnose bad grid")
            << QStringList{"diagnose", "@P", "--surface", "a", "--grid", "1:0:1"} << 1 << "stop is below start";
        QTest::newRow("zoo negative sam")
            << QStringList{"zoo", "build", "--out", "@D/z", "--preset", "tiny", "--sam=-1"} << 2 << "--sam";
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString project = QString::fromStdString(tinyproject::writeProject(dir.path().toStdString()));
        for (QString& a : args)
            a.replace("@P", project).replace("@D", dir.path());
        const CliRun r = runCli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        if (exitCode == 1) { // one line "error: ..." naming the problem (progress lines may precede it)
            const QStringList errors = r.err.split('\n').filter(QRegularExpression("^error: "));
            QCOMPARE(errors.size(), qsizetype(1));
            QVERIFY2(errors[0].contains(message), qPrintable(errors[0]));
        }
        QVERIFY(!QFile::exists(dir.filePath("x.safetensors")));
    }
};

QTEST_GUILESS_MAIN(TestCliMergeability)
#include "tst_cli_mergeability.moc"
