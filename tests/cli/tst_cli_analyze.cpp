// mergelab-cli analyze, run as a process: JSON/HDF5 outputs, summary, project input, errors.
#include "cli_run.h"
#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

using nlohmann::json;

namespace {

const QString kDir = QStringLiteral(MERGELAB_FIXTURES_DIR "/analysis/");

using Run = CliRun;

Run cli(const QStringList& args)
{
    return runCli(args);
}

QStringList modelArgs()
{
    QStringList args{"analyze", "-q", "--base", kDir + "base.safetensors"};
    for (const char* n : {"a", "b", "c", "d", "e"})
        args << "--model" << kDir + "ft_" + n + ".safetensors";
    return args;
}

} // namespace

class TstCliAnalyze : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonFileAndSummary()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("report.json");
        const QString h5 = dir.filePath("report.h5");
        const Run r = cli(modelArgs() << "--names"
                                      << "a,b,c,d,e"
                                      << "--density"
                                      << "0.5"
                                      << "--json" << out << "--h5" << h5);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Cosine similarity"), qPrintable(r.out));
        QVERIFY(r.out.contains("Sign conflict rate"));
        QVERIFY(QFile::exists(h5));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const json j = json::parse(f.readAll().toStdString());
        for (const char* key : {"models", "cosine", "norms", "relative_norms", "conflict_rate", "conflict_pairwise",
                                "jaccard", "model_stock", "layers", "tensors", "histograms", "skipped"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["models"].get<std::vector<std::string>>(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
        QCOMPARE(j["density"].get<double>(), 0.5);
        QCOMPARE(j["cosine"][0][1].get<double>(), -1.0);
        QCOMPARE(j["jaccard"][0][3].get<double>(), 0.0);
        QCOMPARE(j["skipped"].size(), std::size_t(4));
    }

    void jsonToStdout()
    {
        const Run r = cli(modelArgs() << "--json"
                                      << "-"
                                      << "--bins"
                                      << "16");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j["histograms"]["bins"].get<int>(), 16);
        QCOMPARE(j["models"][0].get<std::string>(), std::string("ft_a"));
    }

    void projectFile()
    {
        const Run r = cli({"analyze", "-q", "--project", kDir + "analysis.mergelab.json", "--json", "-"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j["models"].get<std::vector<std::string>>(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
        QCOMPARE(j["cosine"][0][2].get<double>(), 1.0);
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing base") << QStringList{"analyze", "--base", "/nonexistent/base.safetensors", "--model",
                                                     kDir + "ft_a.safetensors"}
                                      << 1 << "error: /nonexistent/base.safetensors: no such file";
        QTest::newRow("no models") << QStringList{"analyze", "--base", kDir + "base.safetensors"} << 1
                                   << "error: no fine-tuned checkpoints";
        QTest::newRow("names mismatch")
            << QStringList{"analyze", "--base", kDir + "base.safetensors", "--model", kDir + "ft_a.safetensors",
                           "--names", "x,y"}
            << 1 << "error: --names lists 2 names for 1 models";
        QTest::newRow("density 0")
            << QStringList{"analyze",   "--base", kDir + "base.safetensors", "--model", kDir + "ft_a.safetensors",
                           "--density", "0"}
            << 1 << "error: density must be in (0, 1]";
        QTest::newRow("density out of range")
            << QStringList{"analyze",   "--base", kDir + "base.safetensors", "--model", kDir + "ft_a.safetensors",
                           "--density", "2"}
            << 2 << "--density";
        QTest::newRow("not a checkpoint")
            << QStringList{"analyze", "--base", kDir + "reference.json", "--model", kDir + "ft_a.safetensors"} << 1
            << "error: " + kDir + "reference.json: ";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = cli(args << "-q");
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        if (exitCode == 1)
            QCOMPARE(r.err.count('\n'), 1); // one line
    }
};

QTEST_GUILESS_MAIN(TstCliAnalyze)
#include "tst_cli_analyze.moc"
