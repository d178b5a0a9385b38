// The legacy torch.save format (torch < 1.6, or _use_new_zipfile_serialization=False), still the
// format of many older pytorch_model.bin files: five pickles in a row (magic number, protocol
// version, sys_info, the object, the sorted storage keys), then each storage as an int64 element
// count followed by its raw little-endian elements, in key order.
#include "io/torch_zip_reader.h"

#include "common/error.h"

#include <cstring>
#include <unordered_map>

namespace mergelab {

namespace {

// pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): the magic number torch writes first.
const uint8_t kLegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46,
                                0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e};
constexpr int64_t kProtocolVersion = 1001;

} // namespace

bool isTorchLegacyFile(const uint8_t* data, uint64_t size)
{
    return size >= sizeof kLegacyMagic && std::memcmp(data, kLegacyMagic, sizeof kLegacyMagic) == 0;
}

std::unique_ptr<Checkpoint> openTorchLegacy(const std::string& path, const FileBytes& file)
{
    const uint8_t* data = file.data;
    const uint64_t size = file.size;
    uint64_t pos = sizeof kLegacyMagic;
    auto next = [&](const char* source, bool legacyIds) {
        pickle::Options options;
        options.file = path;
        options.source = source;
        options.legacy = legacyIds;
        pickle::Document doc = pickle::unpickle(data + pos, static_cast<std::size_t>(size - pos), options);
        pos += doc.end;
        return doc;
    };

    const pickle::Document version = next("the protocol version pickle", false);
    const pickle::Node& v = version.node(version.root);
    if (v.kind != pickle::Kind::Int || v.i != kProtocolVersion)
        throw FormatError(path, {}, "legacy torch.save file with an unknown protocol version (1001 expected)");
    const pickle::Document sysInfo = next("the sys_info pickle", false);
    const pickle::Node& info = sysInfo.node(sysInfo.root);
    if (info.kind == pickle::Kind::Dict)
        for (std::size_t k = 0; k + 1 < info.items.size(); k += 2) {
            const pickle::Node& key = sysInfo.node(info.items[k]);
            const pickle::Node& value = sysInfo.node(info.items[k + 1]);
            if (key.kind == pickle::Kind::Str && key.s == "little_endian" && value.kind == pickle::Kind::Bool &&
                value.i == 0)
                throw FormatError(path, {}, "legacy torch.save file written on a big-endian machine; not supported");
        }

    pickle::Options options;
    options.file = path;
    options.source = "the data pickle";
    options.legacy = true;
    const pickle::Document doc = next(options.source.c_str(), true);
    const pickle::Document keys = next("the storage key pickle", false);
    const pickle::Node& keyList = keys.node(keys.root);
    if (keyList.kind != pickle::Kind::List)
        throw FormatError(path, {}, "legacy torch.save file: the storage key pickle is not a list");

    // Element sizes come from the persistent ids of the data pickle.
    std::unordered_map<std::string, std::size_t> elementSize;
    for (const pickle::StorageRef& s : doc.storages)
        elementSize[s.key] = dtypeSize(s.dtype);
    std::unordered_map<std::string, StorageBytes> storages;
    for (uint32_t item : keyList.items) {
        const pickle::Node& key = keys.node(item);
        if (key.kind != pickle::Kind::Str)
            throw FormatError(path, {}, "legacy torch.save file: a storage key is not a string");
        const auto elem = elementSize.find(key.s);
        if (elem == elementSize.end())
            throw FormatError(path, {}, "legacy torch.save file: storage '" + key.s + "' is used by no tensor");
        if (size - pos < 8)
            throw FormatError(path, {}, "legacy torch.save file is truncated before storage '" + key.s + "'");
        uint64_t numel = 0;
        for (int b = 7; b >= 0; --b)
            numel = (numel << 8) | data[pos + b];
        pos += 8;
        if (numel > (size - pos) / elem->second)
            throw FormatError(path, {},
                              "legacy torch.save file is truncated inside storage '" + key.s + "' (" +
                                  std::to_string(numel) + " elements declared)");
        const uint64_t bytes = numel * elem->second;
        storages[key.s] = StorageBytes{data + pos, bytes, "storage " + key.s};
        pos += bytes;
    }

    auto checkpoint = std::make_unique<TorchPickleCheckpoint>(path, "torch-legacy", file.owner);
    const std::vector<pickle::NamedTensor> named =
        pickle::stateDictTensors(doc, options, &checkpoint->mutableMetadata());
    checkpoint->addTensors(doc, named, [&](const pickle::StorageRef& storage, const std::string& tensor) {
        const auto it = storages.find(storage.key);
        if (it == storages.end())
            throw FormatError(path, tensor, "storage '" + storage.key + "' is not in the file's storage list");
        return it->second;
    });
    return checkpoint;
}

} // namespace mergelab
