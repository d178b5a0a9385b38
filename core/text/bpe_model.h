// The "model" of a byte-level BPE tokenizer.json: vocabulary, ranked merges and the merge loop.
// Tokens are kept as raw bytes (the GPT-2 byte-to-unicode alphabet of the file undone), so the
// pre-tokenized text never needs the alphabet.
#pragma once

#include "text/bpe_json.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mergelab::bpe {

// GPT-2's bytes_to_unicode: the code point standing for each byte in byte-level vocabularies.
char32_t byteLevelCodePoint(unsigned char byte);
// The bytes a token string of the file stands for: its characters mapped back through the
// byte-level alphabet, or (when one is outside it, like most added tokens) its own UTF-8 bytes.
// `reachable` says whether the alphabet mapping applied.
std::string tokenBytes(const std::string& token, bool* reachable = nullptr);

class BpeModel {
public:
    // Reads tokenizer.json's "model" object. Throws FormatError / InputError naming reader.path().
    BpeModel(const Json& model, const JsonReader& reader);

    // Appends the ids of one pre-token (raw bytes, non-empty).
    void encodePiece(std::string_view piece, std::vector<int64_t>& ids) const;

    // Id of a token string as written in the file's vocab, or -1.
    int32_t idOfToken(const std::string& token) const;
    // Every (id, token string) of the vocab.
    const std::vector<std::pair<int32_t, std::string>>& vocab() const { return m_vocab; }

private:
    struct Merge {
        int32_t rank;
        int32_t result;
    };
    static uint64_t pairKey(int32_t left, int32_t right) { return (uint64_t(uint32_t(left)) << 32) | uint32_t(right); }
    void readVocab(const Json& vocab, const JsonReader& reader);
    void readMerges(const Json& merges, const JsonReader& reader);
    void mergeSymbols(std::vector<int32_t>& symbols) const;

    std::vector<std::pair<int32_t, std::string>> m_vocab;
    std::unordered_map<std::string, int32_t> m_idOfToken; // as written in the file
    std::unordered_map<std::string, int32_t> m_idOfBytes; // tokens reachable from bytes
    std::unordered_map<uint64_t, Merge> m_merges;
    int32_t m_byteIds[256] = {};
    bool m_ignoreMerges = false;
};

} // namespace mergelab::bpe
