// HDF5 checkpoints: MergeLab's layout (/tensors/<name>, creation order) and generic files
// written by h5py (every numeric dataset, named by its path with '/' -> '.').
// Contiguous unfiltered little-endian datasets are served from an mmap of the file without
// touching HDF5; everything else is read through HDF5 under the global lock.
#include "io/readers.h"
#include "io/hdf5_common.h"
#include "io/mapped_file.h"
#include "io/safetensors_header.h"

#include "common/error.h"

#include <unordered_map>

namespace mergelab {

namespace {

class Hdf5Checkpoint : public Checkpoint {
public:
    explicit Hdf5Checkpoint(std::string path) : m_path(std::move(path)) {}
    ~Hdf5Checkpoint() override
    {
        Hdf5Lock lock;
        m_file.reset();
    }

    const std::string& path() const override { return m_path; }
    std::string format() const override { return "hdf5"; }
    const std::vector<TensorInfo>& tensors() const override { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const override { return m_metadata; }

    TensorData read(const std::string& name) const override
    {
        const auto it = m_byName.find(name);
        if (it == m_byName.end())
            throw InputError(m_path, name, "no such tensor in the checkpoint");
        const TensorInfo& info = m_tensors[it->second];
        const Entry& entry = m_entries[it->second];
        if (entry.mapped)
            return TensorData(info, std::shared_ptr<const void>(m_map), m_map->data() + entry.offset);
        std::vector<uint8_t> bytes(info.byteSize);
        Hdf5Lock lock;
        try {
            H5::DataSet ds = m_file->openDataSet(entry.dataset);
            const H5::DataType fileType = ds.getDataType();
            H5::DataType memType = hdf5TypeFor(info.dtype);
            if (fileType.getClass() == H5T_ENUM)
                memType = fileType; // bool: 1-byte enum, read as stored
            else if (info.dtype == DType::BF16 && fileType.getClass() == H5T_FLOAT)
                memType = hdf5HalfLikeType(8, 7, 127);
            if (!bytes.empty())
                ds.read(bytes.data(), memType);
        } catch (const H5::Exception& e) {
            throw FormatError(m_path, name, "cannot read dataset " + entry.dataset + ": " + hdf5ErrorText(e));
        }
        return TensorData::fromBuffer(info, std::move(bytes));
    }

    void load()
    {
        m_file = std::make_unique<H5::H5File>(m_path, H5F_ACC_RDONLY);
        m_map = MappedFile::open(m_path);
        H5::Group root = m_file->openGroup("/");
        const auto layout = readHdf5StringAttribute(root, kHdf5LayoutAttribute);
        if (layout) {
            if (*layout != kHdf5LayoutValue)
                throw FormatError(m_path, {}, "unknown MergeLab HDF5 layout \"" + *layout + "\"");
            loadMergeLabLayout();
        } else {
            loadGeneric();
        }
        readMetadata(root);
    }

private:
    struct Entry {
        std::string dataset; // absolute HDF5 path
        bool mapped = false;
        uint64_t offset = 0; // in the file, when mapped
    };

    void loadMergeLabLayout()
    {
        const hid_t fid = m_file->getId();
        if (H5Lexists(fid, kHdf5TensorsGroup, H5P_DEFAULT) <= 0)
            throw FormatError(m_path, {}, "MergeLab HDF5 checkpoint has no /tensors group");
        H5::Group group = m_file->openGroup(kHdf5TensorsGroup);
        const hsize_t count = group.getNumObjs();
        // Creation order is the writer's plan order; files without it fall back to name order.
        H5_index_t order = H5_INDEX_CRT_ORDER;
        if (count > 0 && H5Lget_name_by_idx(group.getId(), ".", order, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) < 0)
            order = H5_INDEX_NAME;
        for (hsize_t i = 0; i < count; ++i) {
            const ssize_t len = H5Lget_name_by_idx(group.getId(), ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
            if (len < 0)
                throw FormatError(m_path, {}, "cannot list /tensors");
            std::string link(static_cast<std::size_t>(len) + 1, '\0');
            H5Lget_name_by_idx(group.getId(), ".", order, H5_ITER_INC, i, &link[0], link.size(), H5P_DEFAULT);
            link.resize(static_cast<std::size_t>(len));
            const std::string tensor = decodeHdf5Name(link);
            if (group.childObjType(link) != H5O_TYPE_DATASET)
                throw FormatError(m_path, tensor, "/tensors holds something that is not a dataset");
            addDataset(std::string("/") + kHdf5TensorsGroup + "/" + link, tensor, true);
        }
    }

    static herr_t visitDataset(hid_t, const char* name, const H5O_info_t* info, void* data)
    {
        if (info->type == H5O_TYPE_DATASET)
            static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
    }

    void loadGeneric()
    {
        std::vector<std::string> paths;
        if (H5Ovisit(m_file->getId(), H5_INDEX_NAME, H5_ITER_INC, visitDataset, &paths) < 0)
            throw FormatError(m_path, {}, "cannot walk the HDF5 tree");
        for (const std::string& p : paths) {
            std::string tensor = p;
            for (char& c : tensor)
                if (c == '/')
                    c = '.';
            addDataset("/" + p, tensor, false);
        }
    }

    // strict: MergeLab's own layout, where every dataset must be a tensor.
    void addDataset(const std::string& dataset, const std::string& tensor, bool strict)
    {
        H5::DataSet ds = m_file->openDataSet(dataset);
        const H5::DataType type = ds.getDataType();
        std::optional<DType> dtype;
        if (const auto attr = readHdf5StringAttribute(ds, kHdf5DTypeAttribute)) {
            const auto named = parseDType(*attr);
            if (named && dtypeSize(*named) == type.getSize() && type.getClass() != H5T_STRING)
                dtype = named;
        }
        if (!dtype)
            dtype = dtypeOfHdf5Type(type);
        const H5::DataSpace space = ds.getSpace();
        const H5S_class_t spaceClass = space.getSimpleExtentType();
        if (!dtype || spaceClass == H5S_NULL) {
            if (strict)
                throw FormatError(m_path, tensor, "dataset's HDF5 type or shape is not a tensor MergeLab can read");
            return; // generic files may hold strings, compounds, ...
        }
        TensorInfo info;
        info.name = tensor;
        info.dtype = *dtype;
        const int rank = space.getSimpleExtentNdims();
        std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
        if (rank > 0)
            space.getSimpleExtentDims(dims.data());
        for (hsize_t d : dims) {
            if (d > static_cast<hsize_t>(std::numeric_limits<int64_t>::max()))
                throw FormatError(m_path, tensor, "dataset dimension is too large");
            info.shape.push_back(static_cast<int64_t>(d));
        }
        info.byteSize = checkedByteSize(info.dtype, info.shape, m_path, tensor);
        if (m_byName.count(tensor))
            throw FormatError(m_path, tensor, "two datasets map to the same tensor name");

        Entry entry;
        entry.dataset = dataset;
        const H5T_order_t byteOrder = H5Tget_order(type.getId());
        const bool littleEndian = byteOrder == H5T_ORDER_LE || byteOrder == H5T_ORDER_NONE || type.getSize() == 1;
        const H5::DSetCreatPropList dcpl = ds.getCreatePlist();
        if (littleEndian && dcpl.getLayout() == H5D_CONTIGUOUS && dcpl.getNfilters() == 0 && info.byteSize > 0) {
            const haddr_t offset = ds.getOffset();
            if (offset != HADDR_UNDEF && offset % dtypeSize(info.dtype) == 0 && ds.getStorageSize() == info.byteSize &&
                offset <= m_map->size() && info.byteSize <= m_map->size() - offset) {
                entry.mapped = true;
                entry.offset = offset;
            }
        }
        m_byName[tensor] = m_tensors.size();
        m_tensors.push_back(std::move(info));
        m_entries.push_back(std::move(entry));
    }

    void readMetadata(const H5::Group& root)
    {
        const int count = root.getNumAttrs();
        for (int i = 0; i < count; ++i) {
            H5::Attribute attr = root.openAttribute(static_cast<unsigned>(i));
            const std::string name = attr.getName();
            if (name == kHdf5LayoutAttribute)
                continue;
            if (const auto value = readHdf5StringAttribute(root, name))
                m_metadata[name] = *value;
        }
    }

    std::string m_path;
    std::unique_ptr<H5::H5File> m_file;
    std::shared_ptr<const MappedFile> m_map;
    std::vector<TensorInfo> m_tensors;
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, std::size_t> m_byName;
    std::map<std::string, std::string> m_metadata;
};

} // namespace

std::unique_ptr<Checkpoint> openHdf5(const std::string& path)
{
    Hdf5Lock lock;
    try {
        if (H5Fis_hdf5(path.c_str()) <= 0)
            throw FormatError(path, {}, "not an HDF5 file");
        auto checkpoint = std::make_unique<Hdf5Checkpoint>(path);
        checkpoint->load();
        return checkpoint;
    } catch (const H5::Exception& e) {
        throw FormatError(path, {}, "corrupted or unreadable HDF5 file (" + hdf5ErrorText(e) + ")");
    }
}

} // namespace mergelab
