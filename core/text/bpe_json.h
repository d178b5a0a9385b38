// Reading the parts of a tokenizer.json with one-line errors naming the file and the JSON path of
// the offending value (FormatError: broken file; InputError: a valid feature MergeLab does not have).
// Internal to the byte-level BPE tokenizer.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mergelab::bpe {

using Json = nlohmann::json;

// Token ids above this are refused: larger than any real vocabulary, and they size the decode table.
constexpr int64_t kMaxTokenId = (int64_t(1) << 21) - 1;

class JsonReader {
public:
    explicit JsonReader(std::string path) : m_path(std::move(path)) {}
    const std::string& path() const { return m_path; }

    // `where` is the JSON path of the value (empty: the whole file).
    [[noreturn]] void bad(const std::string& where, const std::string& what) const;
    [[noreturn]] void unsupported(const std::string& where, const std::string& what) const;

    // obj[key] of an object (null when absent); `where` names obj.
    const Json& member(const Json& obj, const char* key, const std::string& where) const;
    const Json& requiredMember(const Json& obj, const char* key, const std::string& where) const;
    std::string string(const Json& value, const std::string& where) const;
    bool boolean(const Json& value, const std::string& where, bool fallback) const;
    // A token id: an integer in [0, kMaxTokenId].
    int32_t tokenId(const Json& value, const std::string& where) const;
    // The "type" string of a component object.
    std::string type(const Json& component, const std::string& where) const;

private:
    std::string m_path;
};

// A short, printable rendering of a token for messages.
std::string quoteToken(const std::string& token);

} // namespace mergelab::bpe
