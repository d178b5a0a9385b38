// Hostile and broken torch archives: each gives a FormatError naming the file (and tensor) and
// saying what is wrong; none crashes, aborts, or runs anything.
#include "common/error.h"
#include "io/checkpoint.h"

#include <QtTest>

using namespace mergelab;

class TestBadTorch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rejected_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("tensor");  // expected Error::tensor(), empty when none
        QTest::addColumn<QString>("message"); // a part of the message
        QTest::newRow("os.system") << "hostile_global.pt"
                                   << ""
                                   << "forbidden global 'os.system' in data.pkl";
        QTest::newRow("truncated") << "hostile_truncated.pt"
                                   << ""
                                   << "zip end of central directory not found";
        QTest::newRow("bad offset") << "hostile_offsets.pt"
                                    << ""
                                    << "where there is no local header";
        QTest::newRow("view too big") << "hostile_view.pt"
                                      << "w"
                                      << "reaches element 6 of a storage of 4 elements";
        QTest::newRow("storage short") << "hostile_storage.pt"
                                       << "w"
                                       << "holds 16 bytes, less than the 8 F32 elements it declares";
        QTest::newRow("missing storage") << "hostile_missing.pt"
                                         << "w"
                                         << "storage record 'data/7' is missing from the archive";
        QTest::newRow("compressed") << "hostile_compressed.pt"
                                    << ""
                                    << "is compressed (method 8)";
        QTest::newRow("no data.pkl") << "hostile_nopickle.pt"
                                     << ""
                                     << "has no <archive>/data.pkl record";
        QTest::newRow("pickle cut") << "hostile_pickle_eof.pt"
                                    << ""
                                    << "unexpected end of pickle";
        QTest::newRow("negative stride") << "hostile_stride.pt"
                                         << "w"
                                         << "negative stride in dimension 0";
        QTest::newRow("cuda storage") << "hostile_storage_type.pt"
                                      << ""
                                      << "forbidden global 'torch.cuda.FloatStorage' in data.pkl";
        QTest::newRow("legacy truncated") << "hostile_legacy_truncated.pt"
                                          << ""
                                          << "legacy torch.save file is truncated";
        QTest::newRow("expanded too far")
            << "hostile_expand.pt"
            << "w"
            << "view of 4611686018427387904 elements expands a storage of 1 elements too far";
        QTest::newRow("no tensors") << "hostile_notensors.pt"
                                    << ""
                                    << "data.pkl holds no state dict";
    }
    void rejected()
    {
        QFETCH(QString, file);
        QFETCH(QString, tensor);
        QFETCH(QString, message);
        const std::string path = MERGELAB_FIXTURES_DIR "/torch/" + file.toStdString();
        try {
            Checkpoint::open(path);
            QFAIL("opened without an error");
        } catch (const FormatError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.startsWith(QString::fromStdString(path) + ": "), qPrintable(what));
            QVERIFY2(what.contains(message), qPrintable(what));
            QCOMPARE(QString::fromStdString(e.tensor()), tensor);
            QVERIFY2(!what.contains('\n'), qPrintable(what));
        }
    }

    // Broken pytorch_model.bin.index.json files, written beside a copy of a good shard.
    void badIndex_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("tensor");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{\"weight_map\": ") << ""
                                  << "index is not valid JSON";
        QTest::newRow("no weight_map") << QByteArray("{\"metadata\": {}}") << ""
                                       << "index has no \"weight_map\" object";
        QTest::newRow("empty map") << QByteArray("{\"weight_map\": {}}") << ""
                                   << "weight_map is empty";
        QTest::newRow("missing tensor") << QByteArray("{\"weight_map\": {\"fc9.weight\": \"shard.bin\"}}")
                                        << "fc9.weight"
                                        << "listed in weight_map but missing from shard 'shard.bin'";
        QTest::newRow("escaping path") << QByteArray("{\"weight_map\": {\"fc1.weight\": \"../shard.bin\"}}")
                                       << "fc1.weight"
                                       << "is not a file inside the folder";
        QTest::newRow("not a string") << QByteArray("{\"weight_map\": {\"fc1.weight\": 3}}") << "fc1.weight"
                                      << "weight_map entry is not a file name";
    }
    void badIndex()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, tensor);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(QFile::copy(MERGELAB_FIXTURES_DIR "/torch/sharded/pytorch_model-00001-of-00002.bin",
                            dir.filePath("shard.bin")));
        QFile index(dir.filePath("pytorch_model.bin.index.json"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write(json);
        index.close();
        try {
            Checkpoint::open(dir.path().toStdString());
            QFAIL("opened without an error");
        } catch (const FormatError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.startsWith(index.fileName() + ": "), qPrintable(what));
            QVERIFY2(what.contains(message), qPrintable(what));
            QCOMPARE(QString::fromStdString(e.tensor()), tensor);
            QVERIFY2(!what.contains('\n'), qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestBadTorch)
#include "tst_bad_torch.moc"
