// saveTensorMap, checked by reading the safetensors bytes by hand (8-byte header length, JSON
// header, little-endian data): floating tensors become float32, others keep their dtype, metadata
// is written, one file and nothing else is left in the folder.
#include "common/error.h"
#include "io/tensor_map.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace mergelab;
namespace fs = std::filesystem;

class TestTensorMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesFloat32AndKeepsIntegers()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        TensorMap tensors;
        tensors["b.weight"] = at::tensor({1.5, -2.25, 3.0, 0.125, 5.0, -6.5}, at::kDouble).view({2, 3});
        tensors["a.step"] = at::tensor({int64_t(7), int64_t(-1)}, at::kLong);
        tensors["c.view"] = at::arange(8, at::kFloat).view({2, 4}).t(); // not contiguous
        saveTensorMap(path, tensors, {{"mergelab_recipe", "{\"method\": \"x\"}"}});

        QVERIFY(fs::is_regular_file(path));
        QCOMPARE(int(std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator())), 1);
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        uint64_t headerSize = 0;
        std::memcpy(&headerSize, bytes.data(), 8);
        const nlohmann::json header = nlohmann::json::parse(bytes.substr(8, headerSize));
        const char* data = bytes.data() + 8 + headerSize;
        QCOMPARE(header["__metadata__"]["mergelab_recipe"].get<std::string>(), std::string("{\"method\": \"x\"}"));

        QCOMPARE(header["b.weight"]["dtype"].get<std::string>(), std::string("F32"));
        QVERIFY(header["b.weight"]["shape"] == nlohmann::json::array({2, 3}));
        const float expectedB[] = {1.5f, -2.25f, 3.0f, 0.125f, 5.0f, -6.5f};
        const auto b = header["b.weight"]["data_offsets"];
        QCOMPARE(b[1].get<uint64_t>() - b[0].get<uint64_t>(), uint64_t(sizeof expectedB));
        QVERIFY(std::memcmp(data + b[0].get<uint64_t>(), expectedB, sizeof expectedB) == 0);

        QCOMPARE(header["a.step"]["dtype"].get<std::string>(), std::string("I64"));
        const int64_t expectedA[] = {7, -1};
        const auto a = header["a.step"]["data_offsets"];
        QVERIFY(std::memcmp(data + a[0].get<uint64_t>(), expectedA, sizeof expectedA) == 0);

        QVERIFY(header["c.view"]["shape"] == nlohmann::json::array({4, 2}));
        const float expectedC[] = {0, 4, 1, 5, 2, 6, 3, 7}; // row-major of the transpose
        const auto c = header["c.view"]["data_offsets"];
        QVERIFY(std::memcmp(data + c[0].get<uint64_t>(), expectedC, sizeof expectedC) == 0);
    }

    void unwritableFolderIsAnError()
    {
        // A regular file where the folder should be: no one can create it, not even root (CI runs as root).
        QTemporaryFile notAFolder;
        QVERIFY(notAFolder.open());
        const std::string path = notAFolder.fileName().toStdString() + "/m.safetensors";
        QVERIFY_THROWS_EXCEPTION(Error, saveTensorMap(path, {{"x", at::zeros({2})}}));
    }
};

QTEST_GUILESS_MAIN(TestTensorMap)
#include "tst_tensor_map.moc"
