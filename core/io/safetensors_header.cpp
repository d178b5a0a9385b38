#include "io/safetensors_header.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

namespace mergelab {

namespace {

using nlohmann::json;

// Deeper nesting than a real header needs is refused while parsing (bounds parser memory).
constexpr int kMaxJsonDepth = 16;

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable part.
std::string jsonErrorText(const std::exception& e)
{
    std::string text = e.what();
    const auto close = text.find("] ");
    if (!text.empty() && text[0] == '[' && close != std::string::npos)
        text.erase(0, close + 2);
    return text;
}

bool readUnsigned(const json& v, uint64_t& out)
{
    if (v.is_number_unsigned()) {
        out = v.get<uint64_t>();
        return true;
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        out = static_cast<uint64_t>(v.get<int64_t>());
        return true;
    }
    return false;
}

std::string valueAsString(const json& v)
{
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// Parses the JSON text, rejecting duplicate top-level keys (nlohmann would keep the last silently).
json parseHeaderJson(const char* begin, const char* end, const std::string& file)
{
    std::set<std::string> seen;
    std::string duplicate;
    json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth > kMaxJsonDepth)
            throw FormatError(file, {}, "header JSON is nested too deeply");
        if (event == json::parse_event_t::key && depth == 1 && parsed.is_string()) {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!seen.insert(key).second && duplicate.empty())
                duplicate = key;
        }
        return true;
    };
    json header;
    try {
        header = json::parse(begin, end, callback);
    } catch (const json::exception& e) {
        throw FormatError(file, {}, "header is not valid JSON: " + jsonErrorText(e));
    }
    if (!duplicate.empty())
        throw FormatError(file, duplicate, "tensor name appears twice in the header");
    return header;
}

SafetensorsEntry parseEntry(const std::string& name, const json& value, uint64_t dataSize, const std::string& file)
{
    if (name.empty())
        throw FormatError(file, {}, "header has a tensor with an empty name");
    if (!value.is_object())
        throw FormatError(file, name, "header entry is not an object");
    const auto dtypeIt = value.find("dtype");
    const auto shapeIt = value.find("shape");
    const auto offsetsIt = value.find("data_offsets");
    if (dtypeIt == value.end() || !dtypeIt->is_string())
        throw FormatError(file, name, "header entry has no \"dtype\" string");
    if (shapeIt == value.end() || !shapeIt->is_array())
        throw FormatError(file, name, "header entry has no \"shape\" array");
    if (offsetsIt == value.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
        throw FormatError(file, name, "header entry has no \"data_offsets\" pair");

    SafetensorsEntry entry;
    entry.info.name = name;
    const std::string& dtypeName = dtypeIt->get_ref<const std::string&>();
    const auto dtype = parseDType(dtypeName);
    if (!dtype)
        throw FormatError(file, name, "unsupported dtype " + dtypeName);
    entry.info.dtype = *dtype;
    for (const json& dim : *shapeIt) {
        uint64_t d = 0;
        if (!readUnsigned(dim, d) || d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw FormatError(file, name,
                              "shape " + shapeIt->dump() + " has a dimension that is not a non-negative integer");
        entry.info.shape.push_back(static_cast<int64_t>(d));
    }
    entry.info.byteSize = checkedByteSize(entry.info.dtype, entry.info.shape, file, name);
    if (!readUnsigned((*offsetsIt)[0], entry.begin) || !readUnsigned((*offsetsIt)[1], entry.end))
        throw FormatError(file, name, "data_offsets " + offsetsIt->dump() + " are not non-negative integers");
    if (entry.end < entry.begin)
        throw FormatError(file, name, "data_offsets " + offsetsIt->dump() + " end before they begin");
    if (entry.end > dataSize)
        throw FormatError(file, name,
                          "data_offsets " + offsetsIt->dump() + " point past the end of the data (" +
                              std::to_string(dataSize) + " bytes)");
    if (entry.end - entry.begin != entry.info.byteSize)
        throw FormatError(file, name,
                          "data_offsets span " + std::to_string(entry.end - entry.begin) + " bytes but " + dtypeName +
                              " " + entry.info.shapeString() + " needs " + std::to_string(entry.info.byteSize));
    return entry;
}

} // namespace

uint64_t checkedByteSize(DType dtype, const std::vector<int64_t>& shape, const std::string& file,
                         const std::string& tensor)
{
    uint64_t bytes = dtypeSize(dtype);
    uint64_t numel = 1;
    for (int64_t d : shape) {
        if (d < 0)
            throw FormatError(file, tensor, "negative dimension in shape");
        if (__builtin_mul_overflow(numel, static_cast<uint64_t>(d), &numel) ||
            numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw FormatError(file, tensor, "shape is too large (element count overflows)");
    }
    if (__builtin_mul_overflow(numel, bytes, &bytes))
        throw FormatError(file, tensor, "shape is too large (byte size overflows)");
    return bytes;
}

SafetensorsHeader parseSafetensorsHeader(const uint8_t* bytes, uint64_t size, const std::string& file)
{
    if (size == 0)
        throw FormatError(file, {}, "file is empty");
    if (size < 8)
        throw FormatError(
            file, {}, "file is truncated: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | bytes[i]; // little-endian u64
    if (headerLength > size - 8)
        throw FormatError(file, {},
                          "header length " + std::to_string(headerLength) + " is larger than the file (" +
                              std::to_string(size) + " bytes): truncated or not a safetensors file");
    if (headerLength > kMaxSafetensorsHeaderBytes)
        throw FormatError(file, {}, "header length " + std::to_string(headerLength) + " exceeds the 100 MB limit");
    if (headerLength < 2)
        throw FormatError(file, {}, "header is too short to hold a JSON object");
    const char* text = reinterpret_cast<const char*>(bytes + 8);
    if (text[0] != '{')
        throw FormatError(file, {}, "header does not start with '{': not a safetensors file");

    const json header = parseHeaderJson(text, text + headerLength, file);
    if (!header.is_object())
        throw FormatError(file, {}, "header JSON is not an object");

    SafetensorsHeader out;
    out.dataStart = 8 + headerLength;
    const uint64_t dataSize = size - out.dataStart;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (value.is_null())
                continue;
            if (!value.is_object())
                throw FormatError(file, {}, "__metadata__ is not an object");
            for (const auto& [mk, mv] : value.items())
                out.metadata[mk] = valueAsString(mv);
            continue;
        }
        out.entries.push_back(parseEntry(key, value, dataSize, file));
    }
    std::stable_sort(out.entries.begin(), out.entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    for (std::size_t i = 1; i < out.entries.size(); ++i) {
        const SafetensorsEntry& prev = out.entries[i - 1];
        const SafetensorsEntry& cur = out.entries[i];
        if (cur.begin < prev.end)
            throw FormatError(file, cur.info.name, "data_offsets overlap tensor " + prev.info.name);
    }
    return out;
}

} // namespace mergelab
