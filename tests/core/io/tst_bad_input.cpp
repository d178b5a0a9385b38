// Malformed checkpoints, generated here in a temporary folder: each must fail with a typed
// mergelab::Error whose one-line message names the file, the tensor where there is one, and
// the problem. Never a crash, abort or hang.
#include "common/error.h"
#include "io/checkpoint.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

std::string le64(uint64_t n)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * i));
    return out;
}

// A safetensors file: 8-byte length, the header text as given, then `data` bytes.
std::string st(const std::string& header, std::size_t dataBytes = 0)
{
    return le64(header.size()) + header + std::string(dataBytes, '\x11');
}

void put(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

const std::string kGood = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

// Builds the bad input in `dir`; returns the path to open.
using Builder = std::function<std::string(const std::string& dir)>;

Builder file(std::string bytes)
{
    return [bytes](const std::string& dir) {
        put(dir + "/bad.safetensors", bytes);
        return dir + "/bad.safetensors";
    };
}

// A sharded folder: `index` text, and shards name -> bytes.
Builder folder(std::string index, std::map<std::string, std::string> shards)
{
    return [index, shards](const std::string& dir) {
        fs::create_directories(dir + "/model");
        put(dir + "/model/model.safetensors.index.json", index);
        for (const auto& [name, bytes] : shards)
            put(dir + "/model/" + name, bytes);
        return dir + "/model";
    };
}

std::map<std::string, Builder>& builders()
{
    static std::map<std::string, Builder> all;
    return all;
}

} // namespace

class TstBadInput : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rejects_data()
    {
        QTest::addColumn<QString>("fileInMessage"); // the file the message must name
        QTest::addColumn<QString>("tensor");        // the tensor it must name ("" = none)
        QTest::addColumn<QString>("problem");       // what it must say
        auto add = [](const char* row, Builder b, const char* fileName, const char* tensor, const char* problem) {
            builders()[row] = std::move(b);
            QTest::newRow(row) << fileName << tensor << problem;
        };
        const std::string shardA = st(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4);
        const std::string shardB = st(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4);
        const std::string shardAB = st(
            R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
            8);

        add("empty file", file(""), "bad.safetensors", "", "file is empty");
        add("truncated length", file("\x10\x00\x00"), "bad.safetensors", "", "truncated");
        add("header length > file", file(le64(4096) + "{}"), "bad.safetensors", "",
            "header length 4096 is larger than the file");
        add("header length absurd", file(le64(~0ull) + "{}"), "bad.safetensors", "", "is larger than the file");
        add("truncated data", file(st(kGood, 5)), "bad.safetensors", "w", "point past the end of the data (5 bytes)");
        add("bad JSON", file(st(R"({"w": {"dtype": "F32",)")), "bad.safetensors", "", "header is not valid JSON");
        add("JSON not an object", file(st("[1, 2, 3]")), "bad.safetensors", "", "does not start with '{'");
        add("entry not an object", file(st(R"({"w": 5})")), "bad.safetensors", "w", "header entry is not an object");
        add("missing dtype", file(st(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8)), "bad.safetensors", "w",
            "no \"dtype\" string");
        add("unsupported dtype", file(st(R"({"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})", 2)),
            "bad.safetensors", "w", "unsupported dtype F8_E4M3");
        add("wrong byte size", file(st(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,8]}})", 8)),
            "bad.safetensors", "w", "span 8 bytes but F32 [2, 2] needs 16");
        add("overlapping offsets",
            file(st(
                R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                12)),
            "bad.safetensors", "b", "data_offsets overlap tensor a");
        add("offsets past end", file(st(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[100,108]}})", 8)),
            "bad.safetensors", "w", "point past the end of the data");
        add("offsets reversed", file(st(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8)),
            "bad.safetensors", "w", "end before they begin");
        add("duplicate names",
            file(st(
                R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                2)),
            "bad.safetensors", "w", "tensor name appears twice");
        add("huge declared shape",
            file(st(R"({"w":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,8]}})",
                    8)),
            "bad.safetensors", "w", "shape is too large");
        add("byte size overflow",
            file(st(R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})", 8)),
            "bad.safetensors", "w", "shape is too large");
        add("negative dimension", file(st(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8)),
            "bad.safetensors", "w", "not a non-negative integer");
        add("float offsets", file(st(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}})", 8)),
            "bad.safetensors", "w", "are not non-negative integers");
        add("nested too deeply", file(st("{\"__metadata__\":" + std::string(100, '[') + std::string(100, ']') + "}")),
            "bad.safetensors", "", "nested too deeply");
        add("metadata not an object", file(st(R"({"__metadata__":[1]})")), "bad.safetensors", "",
            "__metadata__ is not an object");
        add("empty tensor name", file(st(R"({"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1)),
            "bad.safetensors", "", "empty name");
        add(
            "folder without index",
            [](const std::string& dir) {
                fs::create_directories(dir + "/empty");
                put(dir + "/empty/config.json", "{}");
                return dir + "/empty";
            },
            "empty", "", "folder holds no checkpoint");
        add("index points at missing shard",
            folder(R"({"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}})",
                   {{"model-00001-of-00002.safetensors", shardA}}),
            "model.safetensors.index.json", "b",
            "shard model-00002-of-00002.safetensors listed in the index is missing");
        add("index tensor missing from shard",
            folder(R"({"weight_map":{"a":"s1.safetensors","c":"s1.safetensors"}})", {{"s1.safetensors", shardA}}),
            "s1.safetensors", "c", "tensor listed in the index is missing from this shard");
        add("tensor in two shards",
            folder(R"({"weight_map":{"a":"s1.safetensors","b":"s2.safetensors"}})",
                   {{"s1.safetensors", shardA}, {"s2.safetensors", shardAB}}),
            "s2.safetensors", "a", "tensor also appears in shard s1.safetensors");
        add("tensor not in index", folder(R"({"weight_map":{"b":"s1.safetensors"}})", {{"s1.safetensors", shardAB}}),
            "s1.safetensors", "a", "not listed in the index");
        add("index not JSON", folder("{\"weight_map\": ", {{"s1.safetensors", shardB}}), "model.safetensors.index.json",
            "", "index is not valid JSON");
        add("index without weight_map", folder(R"({"metadata":{}})", {}), "model.safetensors.index.json", "",
            "index has no \"weight_map\" object");
        add("shard outside the folder", folder(R"({"weight_map":{"a":"../evil.safetensors"}})", {}),
            "model.safetensors.index.json", "a", "leaves the index's folder");
        add("corrupted shard", folder(R"({"weight_map":{"a":"s1.safetensors"}})", {{"s1.safetensors", "garbage!"}}),
            "s1.safetensors", "", "header length");
        add(
            "corrupted HDF5",
            [](const std::string& dir) {
                put(dir + "/bad.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(600, '\x5a'));
                return dir + "/bad.h5";
            },
            "bad.h5", "", "corrupted or unreadable HDF5 file");
        add(
            "truncated HDF5",
            [](const std::string& dir) {
                std::ifstream in(MERGELAB_FIXTURES_DIR "/st/h5py_generic.h5", std::ios::binary);
                std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                put(dir + "/cut.h5", bytes.substr(0, bytes.size() / 3));
                return dir + "/cut.h5";
            },
            "cut.h5", "", "HDF5");
        add(
            "missing file", [](const std::string& dir) { return dir + "/nothing.safetensors"; }, "nothing.safetensors",
            "", "no such file or folder");
    }

    void rejects()
    {
        QFETCH(QString, fileInMessage);
        QFETCH(QString, tensor);
        QFETCH(QString, problem);
        QTemporaryDir tmp;
        const std::string path = builders().at(QTest::currentDataTag())(tmp.path().toStdString());
        try {
            const auto cp = Checkpoint::open(path);
            // Some problems only show when a tensor is read (e.g. HDF5 data): read them all.
            for (const auto& t : cp->tensors())
                cp->read(t.name);
            QFAIL("no error");
        } catch (const Error& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(!message.contains('\n'), qPrintable(message));
            QVERIFY2(QString::fromStdString(e.file()).endsWith(fileInMessage), qPrintable(message));
            QVERIFY2(message.startsWith(QString::fromStdString(e.file()) + ": "), qPrintable(message));
            QCOMPARE(QString::fromStdString(e.tensor()), tensor);
            QVERIFY2(message.contains(problem), qPrintable(message));
            QVERIFY2(dynamic_cast<const FormatError*>(&e) || dynamic_cast<const IoError*>(&e), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TstBadInput)
#include "tst_bad_input.moc"
