// CheckpointWriter and convertCheckpoint: round trips to every output layout, tensors arriving
// out of order from several threads, sharding, atomic publish (abort/cancel leave nothing),
// protected inputs, dtype conversion checked against PyTorch-computed hashes.
#include "fixture_expectations.h"

#include "common/error.h"
#include "io/checkpoint_writer.h"
#include "io/safetensors_writer.h"
#include "jobs/job.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

const std::string kAllDtypes = MERGELAB_FIXTURES_DIR "/st/all_dtypes.safetensors";

std::vector<std::string> filesIn(const std::string& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.push_back(fs::relative(e.path(), dir).string());
    std::sort(names.begin(), names.end());
    return names;
}

// Writes every tensor of `source` to `path`, in reverse plan order, from two threads.
std::string copyWithThreads(const Checkpoint& source, const std::string& path, const WriteOptions& options)
{
    auto writer = CheckpointWriter::create(path, source.tensors(), options);
    const auto& tensors = source.tensors();
    auto worker = [&](std::size_t parity) {
        for (std::size_t i = tensors.size(); i-- > 0;)
            if (i % 2 == parity)
                writer->write(source.read(tensors[i].name));
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    return writer->commit();
}

uint64_t headerLength(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    unsigned char b[8] = {};
    in.read(reinterpret_cast<char*>(b), 8);
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | b[i];
    return n;
}

} // namespace

class TstWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("output");
        QTest::addColumn<qulonglong>("shardSize");
        QTest::addColumn<QStringList>("files"); // what the output folder must hold afterwards
        QTest::newRow("single file") << "out/model.safetensors" << 0ull << QStringList{"model.safetensors"};
        QTest::newRow("folder, one shard") << "out" << 0ull << QStringList{"model.safetensors"};
        QTest::newRow("folder, shards") << "out" << 200ull
                                        << QStringList{
                                               "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                               "model-00003-of-00003.safetensors", "model.safetensors.index.json"};
        QTest::newRow("hdf5") << "out/model.h5" << 0ull << QStringList{"model.h5"};
    }

    void roundTrip()
    {
        QFETCH(QString, output);
        QFETCH(qulonglong, shardSize);
        QFETCH(QStringList, files);
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        WriteOptions options;
        options.shardSize = shardSize;
        options.metadata["recipe"] = "{\"method\":\"copy\"}";
        const std::string path = tmp.filePath(output).toStdString();
        const std::string written = copyWithThreads(*source, path, options);
        QCOMPARE(written, path);

        std::vector<std::string> want;
        for (const QString& f : files)
            want.push_back(f.toStdString());
        QCOMPARE(filesIn(tmp.filePath("out").toStdString()), want); // no temporary left behind

        const auto back = Checkpoint::open(written);
        auto expected = fixtures::expected().at("all_dtypes.safetensors");
        std::vector<std::string> planOrder;
        for (const auto& t : source->tensors())
            planOrder.push_back(t.name);
        expected["order"] = planOrder; // writers keep the plan's order
        fixtures::compareWithExpected(*back, expected);
        QCOMPARE(back->metadata().at("recipe"), std::string("{\"method\":\"copy\"}"));

        for (const std::string& f : want) {
            if (f.size() < 12 || f.substr(f.size() - 12) != ".safetensors")
                continue;
            const std::string file = tmp.filePath("out").toStdString() + "/" + f;
            QCOMPARE((8 + headerLength(file)) % 8, uint64_t(0)); // data area 8-byte aligned
            if (shardSize > 0) {
                const auto shard = Checkpoint::open(file);
                QVERIFY(shard->tensors().size() == 1 || shard->totalBytes() <= shardSize);
            }
        }
    }

    void shardNames()
    {
        QCOMPARE(safetensorsShardName(1, 3), std::string("model-00001-of-00003.safetensors"));
        QCOMPARE(safetensorsShardName(12, 120), std::string("model-00012-of-00120.safetensors"));
    }

    // A later write to the same folder replaces the checkpoint; no stale shard or index survives.
    void rewriteReplacesStaleShards()
    {
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        WriteOptions sharded;
        sharded.shardSize = 200;
        const std::string out = tmp.filePath("out").toStdString();
        copyWithThreads(*source, out, sharded);
        std::ofstream(out + "/config.json") << "{}";
        copyWithThreads(*source, out, WriteOptions{});
        QCOMPARE(filesIn(out), (std::vector<std::string>{"config.json", "model.safetensors"}));
        QCOMPARE(Checkpoint::open(out)->format(), std::string("safetensors"));
    }

    void abortLeavesNothing_data()
    {
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("explicitAbort");
        QTest::newRow("file, destructor") << "new/model.safetensors" << false;
        QTest::newRow("shards, abort()") << "new" << true;
        QTest::newRow("hdf5, destructor") << "new/model.h5" << false;
    }

    void abortLeavesNothing()
    {
        QFETCH(QString, output);
        QFETCH(bool, explicitAbort);
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        WriteOptions options;
        options.shardSize = 200;
        {
            auto writer = CheckpointWriter::create(tmp.filePath(output).toStdString(), source->tensors(), options);
            writer->write(source->read(source->tensors().front().name));
            if (explicitAbort) {
                writer->abort();
                writer->abort(); // idempotent
            }
        }
        QCOMPARE(filesIn(tmp.path().toStdString()), std::vector<std::string>{}); // even the created folder is gone
    }

    void commitRequiresEveryTensor()
    {
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        const std::string out = tmp.filePath("model.safetensors").toStdString();
        auto writer = CheckpointWriter::create(out, source->tensors(), WriteOptions{});
        for (std::size_t i = 1; i < source->tensors().size(); ++i)
            writer->write(source->read(source->tensors()[i].name));
        try {
            writer->commit();
            QFAIL("commit should refuse");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(source->tensors().front().name) != std::string::npos, e.what());
            QVERIFY(std::string(e.what()).find("1 of 12 tensors missing") != std::string::npos);
        }
        writer.reset();
        QCOMPARE(filesIn(tmp.path().toStdString()), std::vector<std::string>{});
    }

    void writeRejectsMismatches()
    {
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        auto writer = CheckpointWriter::create(tmp.filePath("m.safetensors").toStdString(), source->tensors(), {});
        const TensorData good = source->read("stats.i8");
        writer->write(good);
        QVERIFY_THROWS_EXCEPTION(InputError, writer->write(good)); // twice
        TensorInfo wrongShape = good.info();
        wrongShape.shape = {1, 5};
        QVERIFY_THROWS_EXCEPTION(InputError, writer->write(TensorData(wrongShape, good.owner(), good.data())));
        TensorInfo unknown = good.info();
        unknown.name = "not.planned";
        QVERIFY_THROWS_EXCEPTION(InputError, writer->write(TensorData(unknown, good.owner(), good.data())));
        TensorInfo bad = good.info();
        bad.byteSize = 3;
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 CheckpointWriter::create(tmp.filePath("x.safetensors").toStdString(), {bad}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, CheckpointWriter::create(tmp.filePath("x.safetensors").toStdString(),
                                                                      {good.info(), good.info()}, {}));
    }

    void refusesToOverwriteInputs_data()
    {
        QTest::addColumn<QString>("input");  // relative to the temp dir
        QTest::addColumn<QString>("output"); // relative to the temp dir
        QTest::addColumn<QString>("protect");
        QTest::newRow("same file") << "in/model.safetensors"
                                   << "in/model.safetensors"
                                   << "in/model.safetensors";
        QTest::newRow("input folder") << "in/model.safetensors"
                                      << "in"
                                      << "in";
        QTest::newRow("folder holding the input file") << "in/model.safetensors"
                                                       << "in"
                                                       << "in/model.safetensors";
        QTest::newRow("through a symlink") << "in/model.safetensors"
                                           << "link.safetensors"
                                           << "in/model.safetensors";
        QTest::newRow("dotted path") << "in/model.safetensors"
                                     << "in/../in/./model.safetensors"
                                     << "in/model.safetensors";
        QTest::newRow("hdf5 input") << "in/model.h5"
                                    << "in/model.h5"
                                    << "in/model.h5";
    }

    void refusesToOverwriteInputs()
    {
        QFETCH(QString, input);
        QFETCH(QString, output);
        QFETCH(QString, protect);
        QTemporaryDir tmp;
        QDir(tmp.path()).mkpath("in");
        const auto source = Checkpoint::open(kAllDtypes);
        copyWithThreads(*source, tmp.filePath(input).toStdString(), {});
        fs::create_symlink(tmp.filePath(input).toStdString(), tmp.filePath("link.safetensors").toStdString());
        const auto before = fs::file_size(tmp.filePath(input).toStdString());
        WriteOptions options;
        options.protectedPaths = {tmp.filePath(protect).toStdString()};
        try {
            CheckpointWriter::create(tmp.filePath(output).toStdString(), source->tensors(), options);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("refusing to overwrite the input") != std::string::npos, e.what());
        }
        QCOMPARE(fs::file_size(tmp.filePath(input).toStdString()), before);
    }

    void convertDtype_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<QString>("output");
        QTest::newRow("bf16 safetensors") << "BF16"
                                          << "conv.safetensors";
        QTest::newRow("f16 hdf5") << "F16"
                                  << "conv.h5";
        QTest::newRow("f32 sharded") << "F32"
                                     << "conv";
    }

    void convertDtype()
    {
        QFETCH(QString, dtype);
        QFETCH(QString, output);
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        const DType target = *parseDType(dtype.toStdString());
        WriteOptions options;
        options.shardSize = 100;
        std::vector<double> seen;
        CallbackProgress progress([&](double done, double total, const std::string&) { seen.push_back(done / total); });
        CancelToken cancel;
        const std::string written =
            convertCheckpoint(*source, tmp.filePath(output).toStdString(), options, &target, progress, cancel);
        QCOMPARE(seen.size(), source->tensors().size() + 1);
        QCOMPARE(seen.back(), 1.0);
        const auto back = Checkpoint::open(written);
        auto expected = fixtures::expected().at("all_dtypes.safetensors");
        expected["tensors"] = expected.at("converted").at(dtype.toStdString());
        fixtures::compareWithExpected(*back, expected, false);
        QCOMPARE(back->metadata().at("source"), std::string("make_safetensors_fixtures.py"));
    }

    void convertCancelLeavesNothing_data()
    {
        QTest::addColumn<int>("cancelAfter"); // progress updates before Cancel is pressed
        QTest::newRow("before start") << 0;
        QTest::newRow("midway") << 5;
    }

    void convertCancelLeavesNothing()
    {
        QFETCH(int, cancelAfter);
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        CancelToken cancel;
        int updates = 0;
        if (cancelAfter == 0)
            cancel.cancel();
        CallbackProgress progress([&](double, double, const std::string&) {
            if (++updates == cancelAfter)
                cancel.cancel();
        });
        WriteOptions options;
        options.shardSize = 100;
        QVERIFY_THROWS_EXCEPTION(CancelledError, convertCheckpoint(*source, tmp.filePath("out").toStdString(), options,
                                                                   nullptr, progress, cancel));
        QCOMPARE(filesIn(tmp.path().toStdString()), std::vector<std::string>{});
    }
};

QTEST_GUILESS_MAIN(TstWriter)
#include "tst_writer.moc"
