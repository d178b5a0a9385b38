// The HDF5 dataset layout: round trip, h5py-compatible attributes, limits, bad files.
#include "common/error.h"
#include "io/dataset.h"
#include "io/hdf5_common.h"

#include <ATen/ATen.h>
#include <H5Cpp.h>

#include <QTemporaryDir>
#include <fstream>
#include <QtTest>

using namespace mergelab;

class TestDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("d.h5").toStdString();
        std::map<std::string, LabeledImages> splits;
        splits["train"] = {at::arange(2 * 3 * 4 * 4, at::kByte).view({2, 3, 4, 4}), at::tensor({1, 0}, at::kLong)};
        splits["test"] = {at::full({3, 3, 4, 4}, 7, at::kByte), at::tensor({2, 2, 1}, at::kLong)};
        writeDataset(path, "toy", {"a", "b", "c"}, splits, {0.5, 0.4, 0.3}, {0.25, 0.2, 0.1});

        const DatasetInfo info = readDatasetInfo(path);
        QCOMPARE(info.task, std::string("toy"));
        QCOMPARE(info.classNames, (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(info.mean, (std::vector<double>{0.5, 0.4, 0.3}));
        QCOMPARE(info.splitSizes.at("train"), int64_t(2));
        QCOMPARE(info.splitSizes.at("test"), int64_t(3));
        QVERIFY(!info.splitSizes.count("val"));
        QCOMPARE(info.imageShape, (std::vector<int64_t>{3, 4, 4}));

        const LabeledImages train = readSplit(path, "train");
        QVERIFY(at::equal(train.images, splits["train"].images));
        QVERIFY(at::equal(train.labels, splits["train"].labels));
        const LabeledImages firstTwo = readSplit(path, "test", 2);
        QCOMPARE(firstTwo.size(), int64_t(2));
        QVERIFY_THROWS_EXCEPTION(InputError, readSplit(path, "val"));

        // uint8 7 -> 7/255, then (x - mean) / std per channel: hand-computed.
        const at::Tensor x = normalizeImages(firstTwo.images, info);
        QVERIFY(std::abs(x[0][0][0][0].item<float>() - float((7 / 255.0 - 0.5) / 0.25)) < 1e-5);
        QVERIFY(std::abs(x[1][2][3][3].item<float>() - float((7 / 255.0 - 0.3) / 0.1)) < 1e-5);
    }

    void floatImagesWithoutAttributesAreUsedAsStored()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("f.h5").toStdString();
        std::map<std::string, LabeledImages> splits;
        splits["val"] = {at::full({1, 1, 2, 2}, 0.25, at::kFloat), at::tensor({0}, at::kLong)};
        writeDataset(path, "f", {"x"}, splits, {}, {});
        const DatasetInfo info = readDatasetInfo(path);
        QVERIFY(info.floatImages);
        QCOMPARE(normalizeImages(readSplit(path, "val").images, info)[0][0][1][1].item<float>(), 0.25f);
    }

    void badFilesGiveClearErrors()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(IoError, readDatasetInfo(dir.filePath("missing.h5").toStdString()));
        const std::string notH5 = dir.filePath("x.h5").toStdString();
        std::ofstream(notH5) << "hello";
        QVERIFY_THROWS_EXCEPTION(FormatError, readDatasetInfo(notH5));

        // Labels outside the class list, and a 3-D image dataset.
        const std::string bad = dir.filePath("bad.h5").toStdString();
        std::map<std::string, LabeledImages> splits;
        splits["test"] = {at::zeros({2, 1, 2, 2}, at::kByte), at::tensor({0, 5}, at::kLong)};
        writeDataset(bad, "t", {"a", "b"}, splits, {}, {});
        try {
            readSplit(bad, "test");
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).find("/test/labels: label 5 outside 0..1") != std::string::npos, e.what());
        }
        {
            Hdf5Lock lock;
            H5::H5File f(bad, H5F_ACC_RDWR);
            f.unlink("/test/images");
            hsize_t dims[3] = {2, 2, 2};
            f.createDataSet("/test/images", H5::PredType::STD_U8LE, H5::DataSpace(3, dims));
        }
        try {
            readDatasetInfo(bad);
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).find("/test/images: expected 4 dimensions") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
