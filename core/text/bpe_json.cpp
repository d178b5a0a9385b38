#include "text/bpe_json.h"

#include "common/error.h"

#include <algorithm>

namespace mergelab::bpe {

void JsonReader::bad(const std::string& where, const std::string& what) const
{
    throw FormatError(m_path, {}, where.empty() ? what : where + ": " + what);
}

void JsonReader::unsupported(const std::string& where, const std::string& what) const
{
    throw InputError(m_path, {}, where.empty() ? what : where + ": " + what);
}

const Json& JsonReader::member(const Json& obj, const char* key, const std::string& where) const
{
    static const Json null;
    if (!obj.is_object())
        bad(where, "expected a JSON object");
    const auto it = obj.find(key);
    return it == obj.end() ? null : *it;
}

const Json& JsonReader::requiredMember(const Json& obj, const char* key, const std::string& where) const
{
    const Json& value = member(obj, key, where);
    if (value.is_null())
        bad(where, std::string("missing key '") + key + "'");
    return value;
}

std::string JsonReader::string(const Json& value, const std::string& where) const
{
    if (!value.is_string())
        bad(where, "expected a string");
    return value.get<std::string>();
}

bool JsonReader::boolean(const Json& value, const std::string& where, bool fallback) const
{
    if (value.is_null())
        return fallback;
    if (!value.is_boolean())
        bad(where, "expected true or false");
    return value.get<bool>();
}

int32_t JsonReader::tokenId(const Json& value, const std::string& where) const
{
    if (!value.is_number_integer())
        bad(where, "expected an integer token id");
    if (value.is_number_unsigned() ? value.get<uint64_t>() > uint64_t(kMaxTokenId)
                                   : value.get<int64_t>() < 0 || value.get<int64_t>() > kMaxTokenId)
        bad(where, "token id " + value.dump() + " is outside 0.." + std::to_string(kMaxTokenId));
    return static_cast<int32_t>(value.get<int64_t>());
}

std::string JsonReader::type(const Json& component, const std::string& where) const
{
    return string(requiredMember(component, "type", where), where + ".type");
}

std::string quoteToken(const std::string& token)
{
    constexpr size_t kShown = 40;
    size_t shown = std::min(token.size(), kShown);
    while (shown < token.size() && shown > 0 && (static_cast<unsigned char>(token[shown]) & 0xC0) == 0x80)
        --shown; // never cut a UTF-8 character
    std::string out = "'";
    for (size_t i = 0; i < shown; ++i) {
        const unsigned char c = static_cast<unsigned char>(token[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (shown < token.size())
        out += "...";
    return out + "'";
}

} // namespace mergelab::bpe
