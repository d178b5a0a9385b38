// Reading safetensors fixtures written by PyTorch (make_safetensors_fixtures.py): every dtype,
// a sharded folder, metadata, and concurrent reads.
#include "fixture_expectations.h"

#include "common/error.h"
#include "io/safetensors_header.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <thread>

using namespace mergelab;

class TstSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsFixture_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("format");
        const QString st = QStringLiteral(MERGELAB_FIXTURES_DIR "/st/");
        QTest::newRow("single file") << st + "all_dtypes.safetensors"
                                     << "all_dtypes.safetensors"
                                     << "safetensors";
        QTest::newRow("sharded folder") << st + "sharded"
                                        << "sharded"
                                        << "safetensors-sharded";
        QTest::newRow("sharded index path") << st + "sharded/model.safetensors.index.json"
                                            << "sharded"
                                            << "safetensors-sharded";
    }

    void readsFixture()
    {
        QFETCH(QString, path);
        QFETCH(QString, key);
        QFETCH(QString, format);
        const auto want = fixtures::expected().at(key.toStdString());
        const auto cp = Checkpoint::open(path.toStdString());
        QCOMPARE(QString::fromStdString(cp->format()), format);
        fixtures::compareWithExpected(*cp, want);
        QCOMPARE(cp->metadata(), (want.at("metadata").get<std::map<std::string, std::string>>()));
    }

    void totalsAndDataAlignment()
    {
        const auto cp = Checkpoint::open(MERGELAB_FIXTURES_DIR "/st/all_dtypes.safetensors");
        const auto want = fixtures::expected().at("all_dtypes.safetensors").at("tensors");
        uint64_t bytes = 0;
        int64_t params = 0;
        for (const auto& [name, w] : want.items()) {
            bytes += w.at("bytes").get<uint64_t>();
            int64_t n = 1;
            for (int64_t d : w.at("shape").get<std::vector<int64_t>>())
                n *= d;
            params += n;
        }
        QCOMPARE(cp->totalBytes(), bytes);
        QCOMPARE(cp->parameterCount(), params);
    }

    void missingTensorIsInputError()
    {
        const auto cp = Checkpoint::open(MERGELAB_FIXTURES_DIR "/st/all_dtypes.safetensors");
        try {
            cp->read("no.such.tensor");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY(std::string(e.what()).find("no.such.tensor") != std::string::npos);
        }
    }

    // Several threads read the same checkpoint at once; every read sees the right bytes.
    void concurrentReads()
    {
        const auto cp = Checkpoint::open(MERGELAB_FIXTURES_DIR "/st/sharded");
        const auto want = fixtures::expected().at("sharded").at("tensors");
        std::atomic<int> mismatches{0};
        auto worker = [&] {
            for (int round = 0; round < 200; ++round)
                for (const auto& t : cp->tensors())
                    if (fixtures::sha256(cp->read(t.name)).toStdString() != want.at(t.name).at("sha256"))
                        ++mismatches;
        };
        std::thread a(worker), b(worker);
        a.join();
        b.join();
        QCOMPARE(mismatches.load(), 0);
    }

    // Another writer's file with an F32 at an odd offset: read() hands out an aligned copy.
    void misalignedTensorIsCopied()
    {
        QTemporaryDir tmp;
        const std::string json = R"({"b":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                 R"("f":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})"; // data at 114: f at 115
        std::string file(8, '\0');
        file[0] = static_cast<char>(json.size());
        const float value = 1.5f;
        file += json + "\x07" + std::string(reinterpret_cast<const char*>(&value), 4);
        const std::string path = tmp.filePath("odd.safetensors").toStdString();
        std::ofstream(path, std::ios::binary) << file;
        const auto cp = Checkpoint::open(path);
        const TensorData f = cp->read("f");
        QCOMPARE(reinterpret_cast<uintptr_t>(f.data()) % alignof(float), uintptr_t(0));
        QCOMPARE(toTorch(f).item<float>(), 1.5f);
        QCOMPARE(cp->read("b").data()[0], uint8_t(7));
    }

    // The byte-span parser the fuzzer drives: a hand-built minimal file.
    void parsesHeaderFromMemory()
    {
        const std::string json = R"({"a":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}})";
        std::string file(8, '\0');
        file[0] = static_cast<char>(json.size());
        file += json + std::string("\x01\x00\xff\xff", 4);
        const auto header = parseSafetensorsHeader(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "mem");
        QCOMPARE(header.entries.size(), std::size_t(1));
        QCOMPARE(header.dataStart, uint64_t(8 + json.size()));
        QCOMPARE(header.entries[0].info.byteSize, uint64_t(4));
        QCOMPARE(header.entries[0].info.shape, std::vector<int64_t>{2});
    }
};

QTEST_GUILESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
