// Zip central directory reader for torch.save / torch.jit.save archives. torch writes its records
// stored (uncompressed, 64-byte aligned), so tensors can be viewed in place in the mapped file.
#include "io/zip_archive.h"

#include "common/error.h"

#include <algorithm>

namespace mergelab {

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr uint64_t kEndSize = 22;
constexpr uint64_t kEnd64Size = 56;
constexpr uint64_t kLocatorSize = 20;
constexpr uint64_t kCentralSize = 46;
constexpr uint64_t kLocalSize = 30;

uint16_t le16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t le32(const uint8_t* p)
{
    return uint32_t(le16(p)) | (uint32_t(le16(p + 2)) << 16);
}
uint64_t le64(const uint8_t* p)
{
    return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32);
}

// True when [offset, offset + length) lies inside [0, size).
bool fits(uint64_t offset, uint64_t length, uint64_t size)
{
    return offset <= size && length <= size - offset;
}

} // namespace

ZipArchive::ZipArchive(const uint8_t* data, uint64_t size, std::string path)
    : m_data(data), m_size(size), m_path(std::move(path))
{
    parse();
}

void ZipArchive::fail(const std::string& what) const
{
    throw FormatError(m_path, {}, what);
}

void ZipArchive::parse()
{
    if (m_size < kEndSize)
        fail("not a zip archive (file too short for an end of central directory record)");
    // The end record sits in the last 22 + 65535 (comment) bytes; search backwards.
    uint64_t end = m_size - kEndSize;
    const uint64_t lowest = m_size > kEndSize + 0xffff ? m_size - kEndSize - 0xffff : 0;
    bool found = false;
    for (;; --end) {
        if (le32(m_data + end) == kEndSig && end + kEndSize + le16(m_data + end + 20) <= m_size) {
            found = true;
            break;
        }
        if (end == lowest)
            break;
    }
    if (!found)
        fail("zip end of central directory not found (truncated or not a zip archive)");

    uint64_t count = le16(m_data + end + 10);
    uint64_t cdSize = le32(m_data + end + 12);
    uint64_t cdOffset = le32(m_data + end + 16);
    if (le16(m_data + end + 4) != 0 || le16(m_data + end + 6) != 0)
        fail("multi-disk zip archives are not supported");

    // zip64: a locator right before the end record points at the zip64 end record.
    if (end >= kLocatorSize && le32(m_data + end - kLocatorSize) == kEnd64LocatorSig) {
        const uint64_t end64 = le64(m_data + end - kLocatorSize + 8);
        if (!fits(end64, kEnd64Size, end - kLocatorSize) || le32(m_data + end64) != kEnd64Sig)
            fail("zip64 end of central directory record is missing or out of bounds");
        count = le64(m_data + end64 + 32);
        cdSize = le64(m_data + end64 + 40);
        cdOffset = le64(m_data + end64 + 48);
    } else if (count == 0xffff || cdSize == 0xffffffffu || cdOffset == 0xffffffffu) {
        fail("zip64 archive without a zip64 end of central directory locator");
    }
    if (!fits(cdOffset, cdSize, end))
        fail("zip central directory (offset " + std::to_string(cdOffset) + ", size " + std::to_string(cdSize) +
             ") lies outside the file of " + std::to_string(m_size) + " bytes");
    if (count > cdSize / kCentralSize)
        fail("zip central directory claims " + std::to_string(count) + " records, more than fit in it");

    m_entries.reserve(static_cast<std::size_t>(count));
    uint64_t pos = cdOffset;
    const uint64_t cdEnd = cdOffset + cdSize;
    for (uint64_t i = 0; i < count; ++i) {
        if (!fits(pos, kCentralSize, cdEnd) || le32(m_data + pos) != kCentralSig)
            fail("zip central directory record " + std::to_string(i) + " is corrupt");
        const uint8_t* h = m_data + pos;
        const uint16_t flags = le16(h + 8);
        ZipEntry e;
        e.method = le16(h + 10);
        e.size = le32(h + 20);
        e.uncompressedSize = le32(h + 24);
        const uint64_t nameLen = le16(h + 28), extraLen = le16(h + 30), commentLen = le16(h + 32);
        uint64_t localOffset = le32(h + 42);
        if (!fits(pos + kCentralSize, nameLen + extraLen + commentLen, cdEnd))
            fail("zip central directory record " + std::to_string(i) + " runs past the directory");
        e.name.assign(reinterpret_cast<const char*>(h + kCentralSize), nameLen);
        if (flags & 1u)
            e.method = 0xffff; // encrypted: never readable, reported by storedData()

        // zip64 extended information: present fields replace the 0xffffffff placeholders, in order.
        const uint8_t* extra = h + kCentralSize + nameLen;
        for (uint64_t x = 0; x + 4 <= extraLen;) {
            const uint16_t id = le16(extra + x), len = le16(extra + x + 2);
            if (x + 4 + len > extraLen)
                fail("zip record '" + e.name + "' has a malformed extra field");
            if (id == 0x0001) {
                const uint8_t* f = extra + x + 4;
                uint64_t left = len;
                auto take = [&](uint64_t& field) {
                    if (left < 8)
                        fail("zip record '" + e.name + "' has a truncated zip64 field");
                    field = le64(f);
                    f += 8;
                    left -= 8;
                };
                if (e.uncompressedSize == 0xffffffffu)
                    take(e.uncompressedSize);
                if (e.size == 0xffffffffu)
                    take(e.size);
                if (localOffset == 0xffffffffu)
                    take(localOffset);
            }
            x += 4 + len;
        }

        if (!fits(localOffset, kLocalSize, m_size) || le32(m_data + localOffset) != kLocalHeaderSig)
            fail("zip record '" + e.name + "' points at offset " + std::to_string(localOffset) +
                 ", where there is no local header (file of " + std::to_string(m_size) + " bytes)");
        const uint64_t localName = le16(m_data + localOffset + 26), localExtra = le16(m_data + localOffset + 28);
        e.dataOffset = localOffset + kLocalSize + localName + localExtra;
        if (!fits(e.dataOffset, e.size, m_size))
            fail("zip record '" + e.name + "' (" + std::to_string(e.size) + " bytes at offset " +
                 std::to_string(e.dataOffset) + ") runs past the end of the file (" + std::to_string(m_size) +
                 " bytes)");
        if (e.method == 0 && e.size != e.uncompressedSize)
            fail("zip record '" + e.name + "' is stored but its sizes differ");
        if (!m_byName.emplace(e.name, m_entries.size()).second)
            fail("zip archive holds two records named '" + e.name + "'");
        m_entries.push_back(std::move(e));
        pos += kCentralSize + nameLen + extraLen + commentLen;
    }
}

const ZipEntry* ZipArchive::find(const std::string& name) const
{
    auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : &m_entries[it->second];
}

const uint8_t* ZipArchive::storedData(const ZipEntry& entry) const
{
    if (entry.method == 0xffff)
        fail("zip record '" + entry.name + "' is encrypted");
    if (entry.method != 0)
        fail("zip record '" + entry.name + "' is compressed (method " + std::to_string(entry.method) +
             "); torch archives store records uncompressed, re-save the file with torch.save");
    return m_data + entry.dataOffset;
}

} // namespace mergelab
