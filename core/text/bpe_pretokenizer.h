// tokenizer.json's "normalizer" and "pre_tokenizer" for byte-level BPE: NFC or nothing, then
// ByteLevel (optionally with GPT-2's split and a prefix space), Split with a known regex, or a
// Sequence of these.
#pragma once

#include "text/bpe_json.h"
#include "text/bpe_split_pattern.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace mergelab::bpe {

class PreTokenizer {
public:
    PreTokenizer() = default;
    // Reads "normalizer" and "pre_tokenizer"; refuses anything that is not byte-level.
    PreTokenizer(const Json& normalizer, const Json& preTokenizer, const JsonReader& reader);

    // The normalised text (NFC when the file asks for it).
    std::string normalize(std::string_view text) const;
    // The pre-tokens of normalised text, in order. Prefix spaces live in `storage`.
    void split(std::string_view text, std::deque<std::string>& storage, std::vector<std::string_view>& pieces) const;

private:
    struct Step {
        bool byteLevel = false;      // ByteLevel: optional prefix space, optional GPT-2 split
        bool addPrefixSpace = false; // ByteLevel
        bool splits = false;         // Split, or ByteLevel with use_regex
        SplitPattern pattern;
    };
    void readNormalizer(const Json& normalizer, const JsonReader& reader, const std::string& where);
    void readStep(const Json& step, const JsonReader& reader, const std::string& where);

    bool m_nfc = false;
    std::vector<Step> m_steps;
};

} // namespace mergelab::bpe
