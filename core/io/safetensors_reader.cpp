// safetensors readers: one file, or a sharded folder described by model.safetensors.index.json.
// Opening maps the files and validates every header; tensors are views into the mappings.
#include "io/readers.h"
#include "io/json_file.h"
#include "io/mapped_file.h"
#include "io/safetensors_header.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace mergelab {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SafetensorsCheckpoint : public Checkpoint {
public:
    SafetensorsCheckpoint(std::string path, std::string format) : m_path(std::move(path)), m_format(std::move(format))
    {}

    const std::string& path() const override { return m_path; }
    std::string format() const override { return m_format; }
    const std::vector<TensorInfo>& tensors() const override { return m_tensors; }
    const std::map<std::string, std::string>& metadata() const override { return m_metadata; }

    TensorData read(const std::string& name) const override
    {
        const auto it = m_locations.find(name);
        if (it == m_locations.end())
            throw InputError(m_path, name, "no such tensor in the checkpoint");
        const Location& loc = it->second;
        const TensorInfo& info = m_tensors[loc.index];
        const uint8_t* bytes = loc.file->data() + loc.offset;
        // Files from other writers may place a tensor at an offset that is not a multiple of
        // its element size; hand out an aligned copy then (torch kernels assume alignment).
        if (loc.offset % dtypeSize(info.dtype) != 0)
            return TensorData::fromBuffer(info, std::vector<uint8_t>(bytes, bytes + info.byteSize));
        return TensorData(info, std::shared_ptr<const void>(loc.file), bytes);
    }

    // Adds every tensor of one validated file (whose header is `header`).
    void addFile(const std::shared_ptr<const MappedFile>& file, const SafetensorsHeader& header)
    {
        for (const SafetensorsEntry& e : header.entries) {
            m_locations[e.info.name] = {file, header.dataStart + e.begin, m_tensors.size()};
            m_tensors.push_back(e.info);
        }
    }

    std::map<std::string, std::string>& mutableMetadata() { return m_metadata; }

private:
    struct Location {
        std::shared_ptr<const MappedFile> file;
        uint64_t offset = 0;   // absolute, in the file
        std::size_t index = 0; // into m_tensors
    };
    std::string m_path;
    std::string m_format;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string, Location> m_locations;
    std::map<std::string, std::string> m_metadata;
};

json readIndexJson(const std::string& indexPath)
{
    std::error_code ec;
    const auto size = fs::file_size(indexPath, ec);
    if (ec)
        throw IoError(indexPath, {}, "cannot read index: " + ec.message());
    if (size > kMaxSafetensorsHeaderBytes)
        throw FormatError(indexPath, {}, "index file is larger than 100 MB");
    return readJsonFile(indexPath, "index");
}

// A shard name from the index must stay inside the index's folder.
bool isPlainRelative(const std::string& name)
{
    if (name.empty())
        return false;
    const fs::path p(name);
    if (p.is_absolute())
        return false;
    for (const auto& part : p)
        if (part == "..")
            return false;
    return true;
}

} // namespace

std::unique_ptr<Checkpoint> openSafetensorsFile(const std::string& path)
{
    auto file = MappedFile::open(path);
    const SafetensorsHeader header = parseSafetensorsHeader(file->data(), file->size(), path);
    auto checkpoint = std::make_unique<SafetensorsCheckpoint>(path, "safetensors");
    checkpoint->addFile(file, header);
    checkpoint->mutableMetadata() = header.metadata;
    return checkpoint;
}

std::unique_ptr<Checkpoint> openSafetensorsSharded(const std::string& indexPath)
{
    const json index = readIndexJson(indexPath);
    if (!index.is_object())
        throw FormatError(indexPath, {}, "index JSON is not an object");
    const auto mapIt = index.find("weight_map");
    if (mapIt == index.end() || !mapIt->is_object())
        throw FormatError(indexPath, {}, "index has no \"weight_map\" object");
    if (mapIt->empty())
        throw FormatError(indexPath, {}, "index \"weight_map\" is empty");

    // Shards in name order (model-00001-of-00003 ... sort naturally); tensors in file order within each.
    std::map<std::string, std::vector<std::string>> namesByShard;
    for (const auto& [name, shard] : mapIt->items()) {
        if (!shard.is_string())
            throw FormatError(indexPath, name, "weight_map value is not a file name");
        const std::string& shardName = shard.get_ref<const std::string&>();
        if (!isPlainRelative(shardName))
            throw FormatError(indexPath, name, "shard file name \"" + shardName + "\" leaves the index's folder");
        namesByShard[shardName].push_back(name);
    }

    const fs::path dir = fs::path(indexPath).parent_path();
    auto checkpoint =
        std::make_unique<SafetensorsCheckpoint>(dir.empty() ? indexPath : dir.string(), "safetensors-sharded");
    std::unordered_map<std::string, std::string> shardOfTensor;
    bool firstShard = true;
    for (const auto& [shardName, names] : namesByShard) {
        const std::string shardPath = (dir / shardName).string();
        std::error_code ec;
        if (!fs::exists(shardPath, ec))
            throw FormatError(indexPath, names.front(), "shard " + shardName + " listed in the index is missing");
        auto file = MappedFile::open(shardPath);
        const SafetensorsHeader header = parseSafetensorsHeader(file->data(), file->size(), shardPath);
        std::unordered_map<std::string, bool> inShard;
        for (const SafetensorsEntry& e : header.entries) {
            const auto [it, fresh] = shardOfTensor.emplace(e.info.name, shardName);
            if (!fresh)
                throw FormatError(shardPath, e.info.name, "tensor also appears in shard " + it->second);
            inShard[e.info.name] = true;
        }
        for (const std::string& name : names)
            if (!inShard.count(name))
                throw FormatError(shardPath, name, "tensor listed in the index is missing from this shard");
        if (header.entries.size() != names.size())
            for (const SafetensorsEntry& e : header.entries)
                if (std::find(names.begin(), names.end(), e.info.name) == names.end())
                    throw FormatError(shardPath, e.info.name, "tensor is not listed in the index's weight_map");
        checkpoint->addFile(file, header);
        if (firstShard)
            checkpoint->mutableMetadata() = header.metadata;
        firstShard = false;
    }
    // The index's own metadata (e.g. total_size) wins over the first shard's.
    const auto metaIt = index.find("metadata");
    if (metaIt != index.end() && metaIt->is_object())
        for (const auto& [key, value] : metaIt->items())
            checkpoint->mutableMetadata()[key] = value.is_string() ? value.get<std::string>() : value.dump();
    return checkpoint;
}

} // namespace mergelab
