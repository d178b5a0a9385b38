// HDF5 checkpoints: reading files written by h5py, the layout MergeLab writes (checked with the
// HDF5 API and with h5py itself), awkward tensor names, concurrent reads through the HDF5 lock.
#include "fixture_expectations.h"

#include "io/checkpoint_writer.h"
#include "io/hdf5_common.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace mergelab;

namespace {

const std::string kAllDtypes = MERGELAB_FIXTURES_DIR "/st/all_dtypes.safetensors";

std::string writeHdf5Copy(const Checkpoint& source, const std::string& path)
{
    WriteOptions options;
    options.metadata["note"] = "written by tst_hdf5";
    auto writer = CheckpointWriter::create(path, source.tensors(), options);
    for (const auto& t : source.tensors())
        writer->write(source.read(t.name));
    return writer->commit();
}

} // namespace

class TstHdf5 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Groups, a big-endian dataset, a gzip-chunked one, h5py's bool enum; a string dataset skipped.
    void readsH5pyFile()
    {
        const auto cp = Checkpoint::open(MERGELAB_FIXTURES_DIR "/st/h5py_generic.h5");
        QCOMPARE(cp->format(), std::string("hdf5"));
        const auto want = fixtures::expected().at("h5py_generic.h5");
        fixtures::compareWithExpected(*cp, want);
        QCOMPARE(cp->metadata(), (want.at("metadata").get<std::map<std::string, std::string>>()));
    }

    // The layout docs/formats.md promises, looked at with the HDF5 API directly.
    void writesDocumentedLayout()
    {
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        const std::string path = writeHdf5Copy(*source, tmp.filePath("m.h5").toStdString());
        Hdf5Lock lock;
        H5::H5File file(path, H5F_ACC_RDONLY);
        const H5::Group root = file.openGroup("/");
        QCOMPARE(readHdf5StringAttribute(root, "mergelab_layout").value_or(""), std::string("mergelab-checkpoint-1"));
        QCOMPARE(readHdf5StringAttribute(root, "note").value_or(""), std::string("written by tst_hdf5"));
        const H5::Group tensors = file.openGroup("tensors");
        QCOMPARE(tensors.getNumObjs(), hsize_t(source->tensors().size()));
        const H5::DataSet half = file.openDataSet("/tensors/model.layers.0.mlp.fc1.weight");
        QCOMPARE(half.getTypeClass(), H5T_FLOAT);
        QCOMPARE(half.getDataType().getSize(), std::size_t(2));
        QCOMPARE(readHdf5StringAttribute(half, "dtype").value_or(""), std::string("F16"));
        const H5::DataSet bf16 = file.openDataSet("/tensors/model.layers.0.mlp.fc2.weight");
        QCOMPARE(bf16.getTypeClass(), H5T_INTEGER);
        QCOMPARE(readHdf5StringAttribute(bf16, "dtype").value_or(""), std::string("BF16"));
        QCOMPARE(file.openDataSet("/tensors/mask").getTypeClass(), H5T_ENUM);
        QCOMPARE(file.openDataSet("/tensors/scalar").getSpace().getSimpleExtentType(), H5S_SCALAR);
    }

    // h5py (an independent reader) sees the right dtypes and bytes in our output.
    void h5pyReadsOurOutput()
    {
        QTemporaryDir tmp;
        const auto source = Checkpoint::open(kAllDtypes);
        const std::string path = writeHdf5Copy(*source, tmp.filePath("m.h5").toStdString());
        const char* script = R"(
import hashlib, json, sys
import h5py, numpy as np
out = {}
with h5py.File(sys.argv[1], "r") as f:
    for name, ds in f["tensors"].items():
        a = ds[()]
        a = np.asarray(a)
        b = a.astype(a.dtype.newbyteorder("<")).tobytes() if a.dtype != np.bool_ else a.astype(np.uint8).tobytes()
        out[name] = {"numpy": str(a.dtype), "sha256": hashlib.sha256(b).hexdigest(), "attr": ds.attrs.get("dtype")}
print(json.dumps(out))
)";
        QProcess python;
        python.start("/usr/bin/python3", {"-c", script, QString::fromStdString(path)});
        if (!python.waitForStarted(10000))
            QSKIP("/usr/bin/python3 is not available");
        python.waitForFinished(60000);
        const QByteArray err = python.readAllStandardError();
        if (err.contains("No module named 'h5py'"))
            QSKIP("h5py is not installed");
        QCOMPARE(python.exitCode(), 0);
        const auto got = nlohmann::json::parse(python.readAllStandardOutput().toStdString());
        const auto want = fixtures::expected().at("all_dtypes.safetensors").at("tensors");
        const std::map<std::string, std::string> numpyName = {
            {"F64", "float64"}, {"F32", "float32"}, {"F16", "float16"}, {"BF16", "uint16"}, {"I64", "int64"},
            {"I32", "int32"},   {"I16", "int16"},   {"I8", "int8"},     {"U8", "uint8"},    {"BOOL", "bool"}};
        QCOMPARE(got.size(), want.size());
        for (const auto& [name, w] : want.items()) {
            const auto& g = got.at(name);
            QCOMPARE(g.at("sha256"), w.at("sha256"));
            QCOMPARE(g.at("numpy").get<std::string>(), numpyName.at(w.at("dtype").get<std::string>()));
            QCOMPARE(g.at("attr"), w.at("dtype"));
        }
    }

    void awkwardNamesRoundTrip()
    {
        QTemporaryDir tmp;
        const std::vector<std::string> names = {"a/b/c", "100%", ".", "%2F", "model.layers.0.weight"};
        std::vector<TensorInfo> plan;
        for (const auto& n : names)
            plan.push_back({n, DType::I16, {2}, 4});
        const std::string path = tmp.filePath("names.h5").toStdString();
        auto writer = CheckpointWriter::create(path, plan, {});
        for (std::size_t i = 0; i < plan.size(); ++i)
            writer->write(TensorData::fromBuffer(plan[i], {uint8_t(i), 0, 0xff, 0x7f}));
        writer->commit();
        const auto back = Checkpoint::open(path);
        std::vector<std::string> got;
        for (const auto& t : back->tensors())
            got.push_back(t.name);
        QCOMPARE(got, names); // plan order, names verbatim
        const TensorData d = back->read("%2F");
        QCOMPARE(std::vector<uint8_t>(d.data(), d.data() + 4), (std::vector<uint8_t>{3, 0, 0xff, 0x7f}));
    }

    // Datasets HDF5 must decode (gzip) go through the global lock; several threads at once.
    void concurrentReads()
    {
        const auto cp = Checkpoint::open(MERGELAB_FIXTURES_DIR "/st/h5py_generic.h5");
        const auto want = fixtures::expected().at("h5py_generic.h5").at("tensors");
        std::atomic<int> mismatches{0};
        auto worker = [&] {
            for (int round = 0; round < 100; ++round)
                for (const auto& t : cp->tensors())
                    if (fixtures::sha256(cp->read(t.name)).toStdString() != want.at(t.name).at("sha256"))
                        ++mismatches;
        };
        std::thread a(worker), b(worker);
        a.join();
        b.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TstHdf5)
#include "tst_hdf5.moc"
