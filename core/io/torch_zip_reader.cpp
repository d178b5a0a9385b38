// torch.save zip archives (pytorch_model.bin, *.pt, *.pth) and their sharded folders. Opening maps
// the file, reads the zip directory and data.pkl (our allowlisted unpickler), and checks every
// tensor's storage record and view bounds; read() then views or gathers the bytes of one tensor.
#include "io/readers.h"
#include "io/torch_zip_reader.h"

#include "common/error.h"
#include "io/json_file.h"
#include "io/mapped_file.h"
#include "io/pickle.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace mergelab {

namespace {

bool isContiguous(const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides)
{
    int64_t expected = 1;
    for (std::size_t d = sizes.size(); d-- > 0;) {
        if (sizes[d] != 1 && strides[d] != expected)
            return false;
        expected *= sizes[d];
    }
    return true;
}

// Copies a rows x cols strided matrix of T into contiguous row-major bytes, in tiles so that
// transposed sources (column stride 1, row stride large) stay cache-friendly.
template <typename T>
void copyMatrix(const uint8_t* src, int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride, uint8_t* dst)
{
    constexpr int64_t kTile = 32;
    for (int64_t r0 = 0; r0 < rows; r0 += kTile)
        for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
            const int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
            for (int64_t r = r0; r < r1; ++r)
                for (int64_t c = c0; c < c1; ++c) // fixed-size memcpy: one unaligned load/store
                    std::memcpy(dst + (r * cols + c) * sizeof(T), src + (r * rowStride + c * colStride) * sizeof(T),
                                sizeof(T));
        }
}

void copyMatrix(std::size_t elem, const uint8_t* src, int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride,
                uint8_t* dst)
{
    switch (elem) {
    case 1:
        copyMatrix<uint8_t>(src, rows, cols, rowStride, colStride, dst);
        break;
    case 2:
        copyMatrix<uint16_t>(src, rows, cols, rowStride, colStride, dst);
        break;
    case 4:
        copyMatrix<uint32_t>(src, rows, cols, rowStride, colStride, dst);
        break;
    default:
        copyMatrix<uint64_t>(src, rows, cols, rowStride, colStride, dst);
        break;
    }
}

// Copies a strided view into contiguous row-major bytes: the last two dimensions as tiled
// matrices, the leading ones odometer style.
void gather(const uint8_t* storage, int64_t offset, std::vector<int64_t> sizes, std::vector<int64_t> strides,
            std::size_t elem, uint8_t* out)
{
    while (sizes.size() < 2) { // view a vector or scalar as a 1 x n matrix
        sizes.insert(sizes.begin(), 1);
        strides.insert(strides.begin(), 0);
    }
    const std::size_t rank = sizes.size();
    const int64_t rows = sizes[rank - 2], cols = sizes[rank - 1];
    const uint64_t matrixBytes = static_cast<uint64_t>(rows * cols) * elem;
    std::vector<int64_t> index(rank - 2, 0);
    for (;;) {
        int64_t base = offset;
        for (std::size_t d = 0; d + 2 < rank; ++d)
            base += index[d] * strides[d];
        copyMatrix(elem, storage + base * static_cast<int64_t>(elem), rows, cols, strides[rank - 2], strides[rank - 1],
                   out);
        out += matrixBytes;
        std::size_t d = rank - 2; // next outer index
        for (;;) {
            if (d == 0)
                return;
            --d;
            if (++index[d] < sizes[d])
                break;
            index[d] = 0;
        }
    }
}

} // namespace

TorchPickleCheckpoint::TorchPickleCheckpoint(std::string path, std::string format, std::shared_ptr<const void> owner)
    : m_path(std::move(path)), m_format(std::move(format)), m_owner(std::move(owner))
{}

void TorchPickleCheckpoint::addTensors(const pickle::Document& doc, const std::vector<pickle::NamedTensor>& named,
                                       const StorageLookup& lookup)
{
    m_tensors.reserve(named.size());
    m_views.reserve(named.size());
    for (const pickle::NamedTensor& t : named) {
        const pickle::StorageRef& storage = doc.storages[doc.tensors[t.tensor].storage];
        addTensor(doc, t, lookup(storage, t.name));
    }
}

void TorchPickleCheckpoint::addTensor(const pickle::Document& doc, const pickle::NamedTensor& named,
                                      const StorageBytes& bytes)
{
    const pickle::TensorRef& ref = doc.tensors[named.tensor];
    const pickle::StorageRef& storage = doc.storages[ref.storage];
    auto fail = [&](const std::string& what) { throw FormatError(m_path, named.name, what); };

    const std::size_t elem = dtypeSize(storage.dtype);
    if (static_cast<uint64_t>(storage.numel) > bytes.size / elem)
        fail("storage '" + bytes.record + "' holds " + std::to_string(bytes.size) + " bytes, less than the " +
             std::to_string(storage.numel) + " " + dtypeName(storage.dtype) + " elements it declares");

    // The view must stay inside the storage: offset + sum((size - 1) * stride) < storage numel.
    if (ref.offset < 0)
        fail("negative storage offset " + std::to_string(ref.offset));
    int64_t numel = 1;
    __int128 last = ref.offset;
    for (std::size_t d = 0; d < ref.sizes.size(); ++d) {
        if (ref.sizes[d] < 0)
            fail("negative size in dimension " + std::to_string(d));
        if (ref.strides[d] < 0)
            fail("negative stride in dimension " + std::to_string(d));
        if (ref.sizes[d] != 0 && numel > INT64_MAX / ref.sizes[d])
            fail("element count overflows");
        numel *= ref.sizes[d];
        if (ref.sizes[d] > 0)
            last += static_cast<__int128>(ref.sizes[d] - 1) * ref.strides[d];
    }
    if (numel > 0 && last >= storage.numel)
        fail("view (offset " + std::to_string(ref.offset) + ", shape " +
             TensorInfo{{}, {}, ref.sizes, 0}.shapeString() + ") reaches element " +
             std::to_string(static_cast<int64_t>(last)) + " of a storage of " + std::to_string(storage.numel) +
             " elements");

    // A non-contiguous view is materialised on read. Stride-0 (expanded) views can claim far more
    // elements than their storage holds; refuse sizes a real checkpoint would not have, before
    // numel * element size can overflow.
    const bool contiguous = isContiguous(ref.sizes, ref.strides);
    const uint64_t storageBytes = static_cast<uint64_t>(storage.numel) * elem;
    const uint64_t limit = contiguous ? storageBytes : 16 * storageBytes + (uint64_t(64) << 20);
    if (static_cast<uint64_t>(numel) > limit / elem)
        fail("view of " + std::to_string(numel) + " elements expands a storage of " + std::to_string(storage.numel) +
             " elements too far");

    TensorInfo info;
    info.name = named.name;
    info.dtype = storage.dtype;
    info.shape = ref.sizes;
    info.byteSize = static_cast<uint64_t>(numel) * elem;
    View view;
    view.storage = bytes.data;
    view.offset = ref.offset;
    view.strides = ref.strides;
    view.contiguous = contiguous;
    m_byName.emplace(info.name, m_tensors.size());
    m_tensors.push_back(std::move(info));
    m_views.push_back(std::move(view));
}

TensorData TorchPickleCheckpoint::read(const std::string& name) const
{
    auto it = m_byName.find(name);
    if (it == m_byName.end())
        throw InputError(m_path, name, "no tensor of that name in the checkpoint");
    const TensorInfo& info = m_tensors[it->second];
    const View& view = m_views[it->second];
    const std::size_t elem = dtypeSize(info.dtype);
    if (info.byteSize == 0)
        return TensorData::fromBuffer(info, {});
    const uint8_t* first = view.storage + view.offset * static_cast<int64_t>(elem);
    // A view straight into the mapped file (which stays mapped while the view lives). torch aligns
    // its records to 64 bytes; other zip writers may not, and torch kernels expect aligned elements.
    const bool aligned = reinterpret_cast<uintptr_t>(first) % elem == 0;
    if (view.contiguous && aligned)
        return TensorData(info, m_owner, first);
    std::vector<uint8_t> bytes(info.byteSize);
    if (view.contiguous)
        std::memcpy(bytes.data(), first, info.byteSize);
    else
        gather(view.storage, view.offset, info.shape, view.strides, elem, bytes.data());
    return TensorData::fromBuffer(info, std::move(bytes));
}

std::unique_ptr<Checkpoint> openTorchArchive(const std::string& path, TorchArchiveMode mode)
{
    auto mapped = MappedFile::open(path);
    return openTorchBytes(path, FileBytes{mapped, mapped->data(), mapped->size()}, mode);
}

std::unique_ptr<Checkpoint> openTorchBytes(const std::string& path, const FileBytes& file, TorchArchiveMode mode)
{
    if (isTorchLegacyFile(file.data, file.size))
        return openTorchLegacy(path, file);
    const ZipArchive zip(file.data, file.size, path);

    // torch names the top folder after the file it first wrote; find it through data.pkl.
    const ZipEntry* pkl = nullptr;
    std::string prefix; // "archive/"
    for (const ZipEntry& e : zip.entries()) {
        const auto slash = e.name.find('/');
        if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
            pkl = &e;
            prefix = e.name.substr(0, slash + 1);
            break;
        }
    }
    if (!pkl)
        throw FormatError(path, {}, "zip archive has no <archive>/data.pkl record (not a torch.save file)");
    if (const ZipEntry* order = zip.find(prefix + "byteorder")) {
        const std::string text(reinterpret_cast<const char*>(zip.storedData(*order)), order->size);
        if (text != "little")
            throw FormatError(path, {},
                              "archive was written with byte order '" + text.substr(0, 16) +
                                  "'; only little-endian archives are supported");
    }
    const bool torchScript = mode == TorchArchiveMode::TorchScript ||
                             (mode == TorchArchiveMode::Detect && isTorchScriptArchive(zip, prefix));

    pickle::Options options;
    options.file = path;
    options.source = "data.pkl";
    options.torchScript = torchScript;
    const pickle::Document doc = pickle::unpickle(zip.storedData(*pkl), pkl->size, options);
    auto checkpoint =
        std::make_unique<TorchPickleCheckpoint>(path, torchScript ? "torchscript" : "torch-zip", file.owner);
    const std::vector<pickle::NamedTensor> named =
        torchScript ? pickle::moduleTensors(doc, options)
                    : pickle::stateDictTensors(doc, options, &checkpoint->mutableMetadata());
    checkpoint->addTensors(doc, named, [&](const pickle::StorageRef& storage, const std::string& tensor) {
        const std::string record = "data/" + storage.key;
        const ZipEntry* entry = zip.find(prefix + record);
        if (!entry)
            throw FormatError(path, tensor, "storage record '" + record + "' is missing from the archive");
        return StorageBytes{zip.storedData(*entry), entry->size, record};
    });
    return checkpoint;
}

namespace {

// A folder of torch.save shards with pytorch_model.bin.index.json (weight_map: name -> shard file).
class ShardedTorchCheckpoint : public Checkpoint {
public:
    explicit ShardedTorchCheckpoint(const std::string& indexPath);

    const std::string& path() const override { return m_path; }
    std::string format() const override { return "torch-zip-sharded"; }
    const std::vector<TensorInfo>& tensors() const override { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const override { return m_metadata; }
    TensorData read(const std::string& name) const override
    {
        auto it = m_shardOf.find(name);
        if (it == m_shardOf.end())
            throw InputError(m_path, name, "no tensor of that name in the checkpoint");
        return m_shards[it->second]->read(name);
    }

private:
    std::string m_path;
    std::vector<std::unique_ptr<Checkpoint>> m_shards;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string, std::size_t> m_shardOf;
    std::map<std::string, std::string> m_metadata;
};

ShardedTorchCheckpoint::ShardedTorchCheckpoint(const std::string& indexPath) : m_path(indexPath)
{
    namespace fs = std::filesystem;
    nlohmann::ordered_json index = readOrderedJsonFile(indexPath, "index");
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw FormatError(indexPath, {}, "index has no \"weight_map\" object");
    if (index.contains("metadata") && index["metadata"].is_object())
        for (const auto& [key, value] : index["metadata"].items())
            m_metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();

    const fs::path folder = fs::path(indexPath).parent_path();
    std::unordered_map<std::string, std::size_t> shardIndex;
    std::vector<std::unordered_map<std::string, const TensorInfo*>> shardTensors;
    for (const auto& [name, file] : index["weight_map"].items()) {
        if (!file.is_string())
            throw FormatError(indexPath, name, "weight_map entry is not a file name");
        const std::string shardName = file.get<std::string>();
        const fs::path rel(shardName);
        if (shardName.empty() || rel.is_absolute() || shardName.find("..") != std::string::npos)
            throw FormatError(indexPath, name, "shard '" + shardName + "' is not a file inside the folder");
        auto [it, inserted] = shardIndex.emplace(shardName, m_shards.size());
        if (inserted) {
            m_shards.push_back(openTorchArchive((folder / rel).string(), TorchArchiveMode::StateDict));
            shardTensors.emplace_back();
            for (const TensorInfo& t : m_shards.back()->tensors())
                shardTensors.back().emplace(t.name, &t);
        }
        const auto found = shardTensors[it->second].find(name);
        if (found == shardTensors[it->second].end())
            throw FormatError(indexPath, name, "listed in weight_map but missing from shard '" + shardName + "'");
        m_shardOf.emplace(name, it->second);
        m_tensors.push_back(*found->second);
    }
    if (m_tensors.empty())
        throw FormatError(indexPath, {}, "weight_map is empty");
}

} // namespace

std::unique_ptr<Checkpoint> openTorchZip(const std::string& path)
{
    return openTorchArchive(path, TorchArchiveMode::Detect);
}

std::unique_ptr<Checkpoint> openTorchZipSharded(const std::string& indexPath)
{
    return std::make_unique<ShardedTorchCheckpoint>(indexPath);
}

} // namespace mergelab
