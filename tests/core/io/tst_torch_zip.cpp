// torch.save archives and sharded folders read back exactly the values torch recorded
// (tests/fixtures/make_torch_fixtures.py wrote both the files and expected.json).
#include "torch_fixture_values.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/readers.h"

#include <QtTest>

#include <thread>

using namespace mergelab;

namespace {

QString fixture(const QString& name)
{
    return QStringLiteral(MERGELAB_FIXTURES_DIR "/torch/") + name;
}

QJsonObject expectedJson()
{
    QFile f(fixture("expected.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open expected.json");
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestTorchZip : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("format");
        QTest::newRow("state dict") << "state_dict.pt"
                                    << "torch-zip";
        QTest::newRow("nested") << "nested.pt"
                                << "torch-zip";
        QTest::newRow("zip64") << "zip64.pt"
                               << "torch-zip";
        QTest::newRow("legacy") << "legacy.pt"
                                << "torch-legacy";
        QTest::newRow("folder") << "sharded"
                                << "torch-zip-sharded";
        QTest::newRow("index") << "sharded/pytorch_model.bin.index.json"
                               << "torch-zip-sharded";
        QTest::newRow("one shard") << "sharded/pytorch_model-00001-of-00002.bin"
                                   << "torch-zip";
        QTest::newRow("torchscript") << "script.pt"
                                     << "torchscript";
    }
    void formats()
    {
        QFETCH(QString, path);
        QFETCH(QString, format);
        auto ckpt = Checkpoint::open(fixture(path).toStdString());
        QCOMPARE(QString::fromStdString(ckpt->format()), format);
    }

    // One row per tensor of every torch.save fixture: name order, dtype, shape and every value.
    void tensorValues_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("position");
        QTest::addColumn<QJsonObject>("expected");
        const QJsonObject all = expectedJson();
        for (const QString file :
             {"state_dict.pt", "nested.pt", "tied.pt", "views.pt", "dtypes.pt", "sharded", "zip64.pt", "legacy.pt"}) {
            const QJsonArray tensors = all.value(file).toArray();
            QVERIFY2(!tensors.isEmpty(), qPrintable(file));
            for (int i = 0; i < tensors.size(); ++i) {
                const QJsonObject t = tensors[i].toObject();
                QTest::addRow("%s %s", qPrintable(file), qPrintable(t["name"].toString())) << file << i << t;
            }
        }
    }
    void tensorValues()
    {
        QFETCH(QString, file);
        QFETCH(int, position);
        QFETCH(QJsonObject, expected);
        auto ckpt = Checkpoint::open(fixture(file).toStdString());
        QVERIFY(position < int(ckpt->tensors().size()));
        const TensorInfo& info = ckpt->tensors()[position];
        QCOMPARE(QString::fromStdString(info.name), expected["name"].toString());
        QCOMPARE(QString(dtypeName(info.dtype)), expected["dtype"].toString());
        std::vector<int64_t> shape;
        for (const QJsonValue& d : expected["shape"].toArray())
            shape.push_back(d.toInteger());
        QCOMPARE(info.shape, shape);

        const TensorData data = ckpt->read(info.name);
        QCOMPARE(data.size(), info.byteSize);
        const std::vector<double> got = testing::valuesOf(data);
        const QJsonArray want = expected["values"].toArray();
        QCOMPARE(int(got.size()), int(want.size()));
        for (int i = 0; i < want.size(); ++i)
            QCOMPARE(got[i], want[i].toDouble());
    }

    void sameTensorCount_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f :
             {"state_dict.pt", "nested.pt", "tied.pt", "views.pt", "dtypes.pt", "sharded", "zip64.pt", "legacy.pt"})
            QTest::newRow(f) << f;
    }
    void sameTensorCount()
    {
        QFETCH(QString, file);
        auto ckpt = Checkpoint::open(fixture(file).toStdString());
        QCOMPARE(int(ckpt->tensors().size()), expectedJson().value(file).toArray().size());
    }

    // Tied weights share one storage record: both names view the same mapped bytes.
    void tiedWeightsShareBytes()
    {
        auto ckpt = openTorchZip(fixture("tied.pt").toStdString());
        QCOMPARE(ckpt->read("embed.weight").data(), ckpt->read("head.weight").data());
    }

    // Every tensor handed out is aligned to its element size, even from zips that do not align
    // records (zip64.pt was written by hand without padding).
    void readsAreAligned_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : {"zip64.pt", "dtypes.pt", "views.pt", "legacy.pt"})
            QTest::newRow(f) << f;
    }
    void readsAreAligned()
    {
        QFETCH(QString, file);
        auto ckpt = Checkpoint::open(fixture(file).toStdString());
        for (const TensorInfo& t : ckpt->tensors()) {
            const TensorData d = ckpt->read(t.name);
            if (d.size())
                QCOMPARE(reinterpret_cast<uintptr_t>(d.data()) % dtypeSize(t.dtype), uintptr_t(0));
        }
    }

    // A training checkpoint's scalars beside the picked state dict become metadata.
    void nestedCheckpointMetadata()
    {
        auto ckpt = openTorchZip(fixture("nested.pt").toStdString());
        QCOMPARE(QString::fromStdString(ckpt->metadata().at("epoch")), QString("3"));
        QCOMPARE(QString::fromStdString(ckpt->metadata().at("best_acc")), QString("0.75"));
        QVERIFY(!ckpt->contains("optimizer.lr"));
    }

    void unknownTensorNamesFileAndTensor()
    {
        auto ckpt = openTorchZip(fixture("state_dict.pt").toStdString());
        try {
            ckpt->read("nope.weight");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("state_dict.pt: nope.weight: "));
        }
    }

    // read() is const and keeps no state: threads may read at once.
    void concurrentReads()
    {
        auto ckpt = openTorchZip(fixture("views.pt").toStdString());
        const std::vector<double> want = testing::valuesOf(ckpt->read("transposed"));
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 2; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 200; ++i)
                    if (testing::valuesOf(ckpt->read("transposed")) != want)
                        ++mismatches;
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTorchZip)
#include "tst_torch_zip.moc"
