// Writes safetensors files: headers are laid out at creation (the plan fixes every offset), so
// tensors arriving from several threads in any order are written with pwrite at their offsets.
#include "io/safetensors_writer.h"
#include "io/atomic_output.h"
#include "io/safetensors_header.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fcntl.h>
#include <mutex>
#include <regex>
#include <set>
#include <unistd.h>
#include <unordered_map>

namespace mergelab {

namespace {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr const char* kSingleName = "model.safetensors";

// The files of a safetensors checkpoint folder: what a new write of the folder replaces.
bool isCheckpointFileName(const std::string& name)
{
    static const std::regex shardPattern("model-[0-9]{5}-of-[0-9]{5}\\.safetensors");
    return name == kIndexName || name == kSingleName || std::regex_match(name, shardPattern);
}

struct Shard {
    std::string finalPath;
    std::string tempPath;
    int fd = -1;
    uint64_t dataStart = 0;
    uint64_t dataSize = 0;
    std::vector<std::size_t> tensors; // plan indices, in plan order
};

struct Slot {
    std::size_t shard = 0;
    uint64_t offset = 0; // absolute file offset
    enum State : char { Pending, Writing, Written } state = Pending;
};

void writeAll(int fd, const uint8_t* data, uint64_t size, uint64_t offset, const std::string& file,
              const std::string& tensor)
{
    while (size > 0) {
        const std::size_t chunk = static_cast<std::size_t>(std::min<uint64_t>(size, 1u << 30));
        const ssize_t n = ::pwrite(fd, data, chunk, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw IoError(file, tensor, "write failed: " + systemErrorText(n < 0 ? errno : EIO));
        data += n;
        size -= static_cast<uint64_t>(n);
        offset += static_cast<uint64_t>(n);
    }
}

// The JSON header (metadata first, tensors in plan order), padded with spaces so that the data
// area starts 8-byte aligned.
std::string buildHeader(const std::vector<TensorInfo>& plan, const std::vector<std::size_t>& tensors,
                        const std::map<std::string, std::string>& metadata)
{
    ordered_json header = ordered_json::object();
    ordered_json meta = ordered_json::object();
    if (!metadata.count("format"))
        meta["format"] = "pt"; // transformers expects it
    for (const auto& [key, value] : metadata)
        meta[key] = value;
    header["__metadata__"] = meta;
    uint64_t offset = 0;
    for (std::size_t i : tensors) {
        const TensorInfo& t = plan[i];
        header[t.name] = {
            {"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.byteSize}}};
        offset += t.byteSize;
    }
    std::string text = header.dump();
    text.append((8 - (8 + text.size()) % 8) % 8, ' ');
    return text;
}

class SafetensorsWriter : public CheckpointWriter {
public:
    SafetensorsWriter(const std::string& path, std::vector<TensorInfo> plan, const WriteOptions& options,
                      bool singleFile)
        : m_path(path), m_plan(std::move(plan)), m_metadata(options.metadata)
    {
        validatePlan(path, m_plan);
        checkNotProtected(path, options.protectedPaths);
        layoutShards(singleFile, options.shardSize);
        for (const Shard& s : m_shards)
            checkNotProtected(s.finalPath, options.protectedPaths);
        if (!m_indexFinal.empty())
            checkNotProtected(m_indexFinal, options.protectedPaths);
        if (!singleFile) {
            std::error_code ec;
            if (fs::exists(path, ec) && !fs::is_directory(path, ec))
                throw InputError(path, {}, "output exists and is not a folder");
        }
        checkReplaceable(path, options.force);
        // The lock and the temporary live beside the output: its parent must exist.
        const std::string parent = fs::path(path).parent_path().string();
        m_createdParent = ensureFolder(parent) ? parent : std::string();
        m_slots.resize(m_plan.size());
        try {
            if (singleFile) {
                m_output = std::make_unique<AtomicOutput>(m_path, AtomicOutput::Kind::File);
            } else {
                // A folder output is one checkpoint: the old one's shards and index go, other files stay.
                AtomicOutput::Options keep;
                keep.keepOldEntries = true;
                keep.dropOld = [](const std::string& name) { return isCheckpointFileName(name); };
                m_output = std::make_unique<AtomicOutput>(m_path, AtomicOutput::Kind::Folder, keep);
            }
            for (std::size_t s = 0; s < m_shards.size(); ++s)
                startShard(s);
        } catch (...) {
            abort();
            throw;
        }
    }

    ~SafetensorsWriter() override { abort(); }

    void write(const TensorData& bytes) override
    {
        const TensorInfo& info = bytes.info();
        const std::size_t index = plannedIndex(m_path, m_plan, m_byName, info);
        if (info.byteSize > 0 && bytes.data() == nullptr)
            throw InputError(m_path, info.name, "tensor has no bytes");
        Slot& slot = m_slots[index];
        int fd = -1;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_finished)
                throw InputError(m_path, info.name, "writer is already committed or aborted");
            if (slot.state != Slot::Pending)
                throw InputError(m_path, info.name, "tensor was written twice");
            slot.state = Slot::Writing;
            fd = m_shards[slot.shard].fd;
            ++m_active;
        }
        try {
            writeAll(fd, bytes.data(), info.byteSize, slot.offset, m_shards[slot.shard].finalPath, info.name);
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_mutex);
            slot.state = Slot::Pending;
            --m_active;
            throw;
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        slot.state = Slot::Written;
        --m_active;
    }

    std::string commit() override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_finished)
            throw InputError(m_path, {}, "writer is already committed or aborted");
        std::size_t missing = 0;
        std::string firstMissing;
        for (std::size_t i = 0; i < m_slots.size(); ++i)
            if (m_slots[i].state != Slot::Written && missing++ == 0)
                firstMissing = m_plan[i].name;
        if (missing > 0 || m_active > 0)
            throw InputError(m_path, firstMissing,
                             "not written before commit (" + std::to_string(missing) + " of " +
                                 std::to_string(m_plan.size()) + " tensors missing)");
        for (Shard& s : m_shards) {
            const int fd = s.fd;
            s.fd = -1;
            if (::close(fd) != 0)
                throw IoError(s.finalPath, {}, "cannot finish file: " + systemErrorText(errno));
        }
        if (!m_indexFinal.empty())
            writeIndex();
        m_output->commit(); // fsync, rename (a folder by exchange), fsync the parent
        m_output.reset();
        m_finished = true;
        return m_single ? m_shards.front().finalPath : m_folder;
    }

    std::string stagingFolder() const override { return m_single || !m_output ? std::string() : m_output->path(); }

    void abort() override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_finished)
            return;
        m_finished = true;
        for (Shard& s : m_shards) {
            if (s.fd >= 0)
                ::close(s.fd);
            s.fd = -1;
        }
        m_output.reset(); // removes the temporary and releases the lock
        if (!m_createdParent.empty()) {
            std::error_code ec;
            fs::remove(m_createdParent, ec); // only succeeds when empty
        }
    }

private:
    void layoutShards(bool singleFile, uint64_t shardSize)
    {
        m_single = singleFile;
        if (singleFile) {
            m_folder = fs::path(m_path).parent_path().string();
            m_shards.emplace_back();
            m_shards.back().finalPath = m_path;
            for (std::size_t i = 0; i < m_plan.size(); ++i)
                m_shards.back().tensors.push_back(i);
            return;
        }
        m_folder = m_path;
        m_shards.emplace_back();
        uint64_t used = 0;
        for (std::size_t i = 0; i < m_plan.size(); ++i) {
            const uint64_t size = m_plan[i].byteSize;
            if (shardSize > 0 && !m_shards.back().tensors.empty() && used + size > shardSize) {
                m_shards.emplace_back();
                used = 0;
            }
            m_shards.back().tensors.push_back(i);
            used += size;
        }
        const std::size_t count = m_shards.size();
        for (std::size_t s = 0; s < count; ++s)
            m_shards[s].finalPath =
                (fs::path(m_folder) / (count == 1 ? std::string(kSingleName) : safetensorsShardName(s + 1, count)))
                    .string();
        if (count > 1) {
            m_indexFinal = (fs::path(m_folder) / kIndexName).string();
        }
    }

    void startShard(std::size_t s)
    {
        Shard& shard = m_shards[s];
        const std::string header = buildHeader(m_plan, shard.tensors, m_metadata);
        shard.dataStart = 8 + header.size();
        uint64_t offset = shard.dataStart;
        for (std::size_t i : shard.tensors) {
            m_byName[m_plan[i].name] = i;
            m_slots[i].shard = s;
            m_slots[i].offset = offset;
            offset += m_plan[i].byteSize;
        }
        shard.dataSize = offset - shard.dataStart;
        shard.tempPath =
            m_single ? m_output->path() : (fs::path(m_output->path()) / fs::path(shard.finalPath).filename()).string();
        shard.fd = ::open(shard.tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (shard.fd < 0) {
            const int err = errno;
            shard.tempPath.clear();
            throw IoError(shard.finalPath, {}, "cannot create: " + systemErrorText(err));
        }
        uint8_t length[8];
        for (int b = 0; b < 8; ++b)
            length[b] = static_cast<uint8_t>(static_cast<uint64_t>(header.size()) >> (8 * b));
        writeAll(shard.fd, length, 8, 0, shard.finalPath, {});
        writeAll(shard.fd, reinterpret_cast<const uint8_t*>(header.data()), header.size(), 8, shard.finalPath, {});
        // Reserve the full size now: a full disk fails here rather than halfway through.
        if (::ftruncate(shard.fd, static_cast<off_t>(offset)) != 0)
            throw IoError(shard.finalPath, {}, "cannot size file: " + systemErrorText(errno));
    }

    void writeIndex()
    {
        ordered_json index;
        uint64_t total = 0;
        for (const TensorInfo& t : m_plan)
            total += t.byteSize;
        ordered_json meta = ordered_json::object();
        meta["total_size"] = total;
        for (const auto& [key, value] : m_metadata)
            if (key != "total_size")
                meta[key] = value;
        index["metadata"] = meta;
        ordered_json map = ordered_json::object();
        for (std::size_t s = 0; s < m_shards.size(); ++s)
            for (std::size_t i : m_shards[s].tensors)
                map[m_plan[i].name] = fs::path(m_shards[s].finalPath).filename().string();
        index["weight_map"] = map;
        const std::string text = index.dump(2) + "\n";
        m_indexTemp = (fs::path(m_output->path()) / kIndexName).string();
        FILE* f = std::fopen(m_indexTemp.c_str(), "wbx");
        if (!f)
            throw IoError(m_indexFinal, {}, "cannot create: " + systemErrorText(errno));
        const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
        if (std::fclose(f) != 0 || !ok)
            throw IoError(m_indexFinal, {}, "cannot write: " + systemErrorText(errno));
    }

    std::string m_path;
    std::vector<TensorInfo> m_plan;
    std::map<std::string, std::string> m_metadata;
    std::string m_folder;
    bool m_single = false;
    std::string m_createdParent;            // made for this output: removed again on abort when empty
    std::unique_ptr<AtomicOutput> m_output; // the file or staging folder being written, and its lock
    std::vector<Shard> m_shards;
    std::vector<Slot> m_slots;
    std::unordered_map<std::string, std::size_t> m_byName;
    std::string m_indexFinal;
    std::string m_indexTemp;
    std::mutex m_mutex;
    bool m_finished = false;
    int m_active = 0;
};

} // namespace

std::string safetensorsShardName(std::size_t index, std::size_t count)
{
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", index, count);
    return name;
}

void validatePlan(const std::string& path, const std::vector<TensorInfo>& plan)
{
    std::set<std::string> names;
    for (const TensorInfo& t : plan) {
        if (t.name.empty())
            throw InputError(path, {}, "write plan has a tensor with an empty name");
        if (!names.insert(t.name).second)
            throw InputError(path, t.name, "tensor appears twice in the write plan");
        uint64_t expected = 0;
        try {
            expected = checkedByteSize(t.dtype, t.shape, path, t.name);
        } catch (const FormatError& e) {
            throw InputError(path, t.name, e.detail());
        }
        if (expected != t.byteSize)
            throw InputError(path, t.name,
                             "planned byte size " + std::to_string(t.byteSize) + " does not match " +
                                 dtypeName(t.dtype) + " " + t.shapeString());
    }
}

std::unique_ptr<CheckpointWriter> createSafetensorsWriter(const std::string& path, std::vector<TensorInfo> plan,
                                                          const WriteOptions& options, bool singleFile)
{
    return std::make_unique<SafetensorsWriter>(path, std::move(plan), options, singleFile);
}

} // namespace mergelab
