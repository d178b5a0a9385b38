// HDF5 writer: datasets are created up front in plan order (so readers see the plan's order via
// creation-order indexing); write() fills one under the global HDF5 lock.
#include "io/hdf5_writer.h"
#include "io/atomic_output.h"
#include "io/hdf5_common.h"
#include "io/safetensors_writer.h"

#include "common/error.h"

#include <filesystem>
#include <unordered_map>

namespace mergelab {

namespace {

namespace fs = std::filesystem;

class Hdf5Writer : public CheckpointWriter {
public:
    Hdf5Writer(const std::string& path, std::vector<TensorInfo> plan, const WriteOptions& options)
        : m_path(path), m_plan(std::move(plan)), m_written(m_plan.size(), false)
    {
        validatePlan(path, m_plan);
        checkNotProtected(path, options.protectedPaths);
        std::error_code ec;
        if (fs::is_directory(path, ec))
            throw InputError(path, {}, "output is a folder; HDF5 output must be a file");
        checkReplaceable(path, options.force);
        m_createdFolder = ensureFolder(fs::path(path).parent_path().string());
        m_output = std::make_unique<AtomicOutput>(path, AtomicOutput::Kind::File);
        m_tempPath = m_output->path();
        for (std::size_t i = 0; i < m_plan.size(); ++i)
            m_byName[m_plan[i].name] = i;
        Hdf5Lock lock;
        try {
            m_file = std::make_unique<H5::H5File>(m_tempPath, H5F_ACC_EXCL);
            H5::Group root = m_file->openGroup("/");
            writeHdf5StringAttribute(root, kHdf5LayoutAttribute, kHdf5LayoutValue);
            for (const auto& [key, value] : options.metadata)
                if (key != kHdf5LayoutAttribute)
                    writeHdf5StringAttribute(root, key, value);
            createTensorsGroup();
            for (const TensorInfo& t : m_plan)
                createDataset(t);
        } catch (const H5::Exception& e) {
            cleanUp();
            throw IoError(path, {}, "cannot create HDF5 file: " + hdf5ErrorText(e));
        } catch (...) {
            cleanUp();
            throw;
        }
    }

    ~Hdf5Writer() override { abort(); }

    void write(const TensorData& bytes) override
    {
        const TensorInfo& info = bytes.info();
        const std::size_t index = plannedIndex(m_path, m_plan, m_byName, info);
        Hdf5Lock lock; // HDF5 serialises everything anyway
        if (!m_file)
            throw InputError(m_path, info.name, "writer is already committed or aborted");
        if (m_written[index])
            throw InputError(m_path, info.name, "tensor was written twice");
        try {
            H5::DataSet ds = m_file->openDataSet(datasetPath(info.name));
            if (info.byteSize > 0)
                ds.write(bytes.data(), ds.getDataType());
        } catch (const H5::Exception& e) {
            throw IoError(m_path, info.name, "cannot write dataset: " + hdf5ErrorText(e));
        }
        m_written[index] = true;
    }

    std::string commit() override
    {
        Hdf5Lock lock;
        if (!m_file)
            throw InputError(m_path, {}, "writer is already committed or aborted");
        std::size_t missing = 0;
        std::string firstMissing;
        for (std::size_t i = 0; i < m_plan.size(); ++i)
            if (!m_written[i] && missing++ == 0)
                firstMissing = m_plan[i].name;
        if (missing > 0)
            throw InputError(m_path, firstMissing,
                             "not written before commit (" + std::to_string(missing) + " of " +
                                 std::to_string(m_plan.size()) + " tensors missing)");
        try {
            m_file->close();
        } catch (const H5::Exception& e) {
            throw IoError(m_path, {}, "cannot finish HDF5 file: " + hdf5ErrorText(e));
        }
        m_file.reset();
        m_output->commit(); // fsync, rename, fsync the folder
        m_output.reset();
        m_tempPath.clear();
        return m_path;
    }

    void abort() override
    {
        Hdf5Lock lock;
        cleanUp();
    }

private:
    static std::string datasetPath(const std::string& tensor)
    {
        return std::string("/") + kHdf5TensorsGroup + "/" + encodeHdf5Name(tensor);
    }

    void createTensorsGroup()
    {
        const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
        const hid_t group = H5Gcreate2(m_file->getId(), kHdf5TensorsGroup, H5P_DEFAULT, gcpl, H5P_DEFAULT);
        H5Pclose(gcpl);
        if (group < 0)
            throw IoError(m_path, {}, "cannot create the /tensors group");
        H5Gclose(group);
    }

    void createDataset(const TensorInfo& t)
    {
        std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
        const H5::DataSpace space =
            dims.empty() ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
        H5::DSetCreatPropList dcpl;
        dcpl.setLayout(H5D_CONTIGUOUS);
        dcpl.setFillTime(H5D_FILL_TIME_NEVER); // every byte is written before commit
        H5::DataSet ds = m_file->createDataSet(datasetPath(t.name), hdf5TypeFor(t.dtype), space, dcpl);
        writeHdf5StringAttribute(ds, kHdf5DTypeAttribute, dtypeName(t.dtype));
    }

    // Caller holds the HDF5 lock.
    void cleanUp()
    {
        if (m_file) {
            try {
                m_file->close();
            } catch (const H5::Exception&) {}
            m_file.reset();
        }
        if (!m_tempPath.empty() || m_output) {
            m_output.reset(); // removes the temporary, releases the lock
            m_tempPath.clear();
            if (m_createdFolder) {
                std::error_code ec;
                fs::remove(fs::path(m_path).parent_path(), ec); // only when empty
            }
        }
    }

    std::string m_path;
    std::string m_tempPath;
    std::unique_ptr<AtomicOutput> m_output;
    bool m_createdFolder = false;
    std::vector<TensorInfo> m_plan;
    std::vector<bool> m_written;
    std::unordered_map<std::string, std::size_t> m_byName;
    std::unique_ptr<H5::H5File> m_file;
};

} // namespace

std::unique_ptr<CheckpointWriter> createHdf5Writer(const std::string& path, std::vector<TensorInfo> plan,
                                                   const WriteOptions& options)
{
    return std::make_unique<Hdf5Writer>(path, std::move(plan), options);
}

} // namespace mergelab
