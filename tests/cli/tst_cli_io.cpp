// mergelab-cli inspect / convert, run as a user would: exit codes, stdout JSON, error lines.
// Expected values come from tests/fixtures/st/expected.json (written by PyTorch).
#include "cli_run.h"
#include "io/checkpoint.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using nlohmann::json;

namespace {

using Run = CliRun;

Run cli(const QStringList& args)
{
    return runCli(args);
}

const QString kFixtures = QStringLiteral(MERGELAB_FIXTURES_DIR "/st/");

json expected()
{
    std::ifstream in(MERGELAB_FIXTURES_DIR "/st/expected.json");
    return json::parse(in);
}

} // namespace

class TstCliIo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void inspectJson_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("format");
        QTest::newRow("safetensors") << kFixtures + "all_dtypes.safetensors"
                                     << "all_dtypes.safetensors"
                                     << "safetensors";
        QTest::newRow("sharded folder") << kFixtures + "sharded"
                                        << "sharded"
                                        << "safetensors-sharded";
        QTest::newRow("h5py file") << kFixtures + "h5py_generic.h5"
                                   << "h5py_generic.h5"
                                   << "hdf5";
    }

    void inspectJson()
    {
        QFETCH(QString, path);
        QFETCH(QString, key);
        QFETCH(QString, format);
        const Run r = cli({"inspect", path, "--json"});
        QCOMPARE(r.exitCode, 0);
        const json out = json::parse(r.out.toStdString()); // exactly one object: parse would fail otherwise
        std::vector<std::string> keys;
        for (const auto& [k, v] : out.items())
            keys.push_back(k);
        std::sort(keys.begin(), keys.end());
        QCOMPARE(keys,
                 (std::vector<std::string>{"format", "metadata", "parameter_count", "path", "tensors", "total_bytes"}));
        QCOMPARE(QString::fromStdString(out["format"].get<std::string>()), format);
        const json want = expected().at(key.toStdString());
        QCOMPARE(out["tensors"].size(), want["tensors"].size());
        uint64_t bytes = 0;
        int64_t params = 0;
        std::vector<std::string> order;
        for (const json& t : out["tensors"]) {
            const std::string name = t["name"];
            order.push_back(name);
            const json& w = want["tensors"].at(name);
            QCOMPARE(t["dtype"], w["dtype"]);
            QCOMPARE(t["shape"], w["shape"]);
            QCOMPARE(t["bytes"], w["bytes"]);
            bytes += w["bytes"].get<uint64_t>();
            int64_t n = 1;
            for (int64_t d : w["shape"].get<std::vector<int64_t>>())
                n *= d;
            params += n;
        }
        QCOMPARE(order, want["order"].get<std::vector<std::string>>());
        QCOMPARE(out["total_bytes"].get<uint64_t>(), bytes);
        QCOMPARE(out["parameter_count"].get<int64_t>(), params);
        QCOMPARE(out["metadata"], want["metadata"]);
    }

    void inspectText()
    {
        const Run r = cli({"inspect", kFixtures + "all_dtypes.safetensors"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("format:     safetensors"));
        QVERIFY(r.out.contains("parameters: 105"));
        QVERIFY(r.out.contains("source = make_safetensors_fixtures.py"));
        for (const auto& [name, w] : expected()["all_dtypes.safetensors"]["tensors"].items())
            QVERIFY2(r.out.contains(QString::fromStdString(name)), name.c_str());
        QVERIFY(
            r.out.contains(QRegularExpression("model\\.layers\\.0\\.mlp\\.fc2\\.weight\\s+BF16\\s+\\[5, 3\\]\\s+30")));
    }

    // folder -> BF16 shards -> HDF5 -> single safetensors: every hop keeps the right bytes.
    void convertChain()
    {
        QTemporaryDir tmp;
        const QString shards = tmp.filePath("bf16");
        Run r = cli({"convert", kFixtures + "all_dtypes.safetensors", shards, "--dtype", "bfloat16", "--shard-size",
                     "0.1KB", "-q"}); // 244 bytes once BF16: 98 + 92 + 54

        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("wrote " + shards));
        QVERIFY(QFile::exists(shards + "/model.safetensors.index.json"));
        QVERIFY(QFile::exists(shards + "/model-00001-of-00003.safetensors"));
        r = cli({"convert", shards, tmp.filePath("m.h5"), "-q"});
        QCOMPARE(r.exitCode, 0);
        r = cli({"convert", tmp.filePath("m.h5"), tmp.filePath("m.safetensors"), "-q"});
        QCOMPARE(r.exitCode, 0);

        const json want = expected()["all_dtypes.safetensors"]["converted"]["BF16"];
        const auto cp = mergelab::Checkpoint::open(tmp.filePath("m.safetensors").toStdString());
        QCOMPARE(cp->tensors().size(), want.size());
        for (const auto& t : cp->tensors()) {
            const auto data = cp->read(t.name);
            const QByteArray hash =
                QCryptographicHash::hash(
                    QByteArray::fromRawData(reinterpret_cast<const char*>(data.data()), static_cast<int>(data.size())),
                    QCryptographicHash::Sha256)
                    .toHex();
            QCOMPARE(hash.toStdString(), want.at(t.name)["sha256"].get<std::string>());
        }
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden).size(),
                 2); // m.h5, m.safetensors; no temporaries
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // regular expression on stderr
        const QString missing = "/nonexistent/model.safetensors";
        const QString st = kFixtures + "all_dtypes.safetensors";
        QTest::newRow("inspect missing") << QStringList{"inspect", missing} << 1
                                         << "^error: /nonexistent/model.safetensors: no such file or folder\n$";
        QTest::newRow("inspect not a checkpoint")
            << QStringList{"inspect", kFixtures + "expected.json"} << 1 << "^error: .*expected.json: .*\n$";
        QTest::newRow("convert onto its input") << QStringList{"convert", st, st} << 1
                                                << "^error: .*all_dtypes.safetensors: refusing to overwrite the input";
        QTest::newRow("convert bad dtype") << QStringList{"convert", st, "/tmp/x.safetensors", "--dtype", "I8"} << 2
                                           << "unknown floating dtype \"I8\"";
        QTest::newRow("convert bad size")
            << QStringList{"convert", st, "/tmp/x", "--shard-size", "2 parsecs"} << 2 << "cannot read size";
        QTest::newRow("inspect no path") << QStringList{"inspect"} << 2 << "path is required";
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(QRegularExpression(message)), qPrintable(r.err));
    }

    void help_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("inspect") << "inspect" << QStringList{"path", "--json", "parameter_count", "Examples"};
        QTest::newRow("convert") << "convert" << QStringList{"input",  "output",   "--dtype", "BF16",    "--shard-size",
                                                             "1.5GiB", "--format", "--quiet", "Examples"};
    }

    void help()
    {
        QFETCH(QString, verb);
        QFETCH(QStringList, mentions);
        const Run r = cli({verb, "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const QString& m : mentions)
            QVERIFY2(r.out.contains(m), qPrintable(m));
    }

    void shardSizeUnits_data()
    {
        QTest::addColumn<QString>("size");
        QTest::addColumn<int>("shards"); // all_dtypes holds 422 bytes in 12 tensors, biggest 192
        // Plan order sizes: 7 5 20 8 4 56 | 30 30 | 64 | 192 | 6 0 with a 100-byte limit.
        QTest::newRow("bytes") << "100" << 5;
        QTest::newRow("decimal KB") << "0.1KB" << 5;
        QTest::newRow("binary KiB") << "0.25KiB" << 2; // 256 bytes: 224 | 198
        QTest::newRow("zero = one file") << "0" << 1;
        QTest::newRow("2GB") << "2GB" << 1;
    }

    void shardSizeUnits()
    {
        QFETCH(QString, size);
        QFETCH(int, shards);
        QTemporaryDir tmp;
        const Run r =
            cli({"convert", kFixtures + "all_dtypes.safetensors", tmp.filePath("o"), "--shard-size", size, "-q"});
        QCOMPARE(r.exitCode, 0);
        const QStringList files = QDir(tmp.filePath("o")).entryList({"*.safetensors"}, QDir::Files);
        QCOMPARE(files.size(), shards);
    }
};

QTEST_GUILESS_MAIN(TstCliIo)
#include "tst_cli_io.moc"
