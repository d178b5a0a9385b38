#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mergelab {

// One record of a zip archive, located and bounds-checked against the file.
struct ZipEntry {
    std::string name;
    uint16_t method = 0;     // 0 = stored; anything else is compressed
    uint64_t dataOffset = 0; // first byte of the record's data in the file
    uint64_t size = 0;       // stored (compressed) size in bytes
    uint64_t uncompressedSize = 0;
};

// The central directory of a zip archive held in memory (an mmap'ed file). Only reads the
// directory and the local headers; data stays where it is. Handles zip64. Every offset and size
// is validated against the buffer; failures throw FormatError naming `path`.
class ZipArchive {
public:
    ZipArchive(const uint8_t* data, uint64_t size, std::string path);

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    // nullptr when the archive has no record of that name.
    const ZipEntry* find(const std::string& name) const;
    // Bytes of a stored record; throws FormatError when it is compressed.
    const uint8_t* storedData(const ZipEntry& entry) const;

private:
    void parse();
    [[noreturn]] void fail(const std::string& what) const;

    const uint8_t* m_data;
    uint64_t m_size;
    std::string m_path;
    std::vector<ZipEntry> m_entries;
    std::unordered_map<std::string, std::size_t> m_byName;
};

} // namespace mergelab
