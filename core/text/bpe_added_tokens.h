// tokenizer.json's "added_tokens" (special tokens such as <|eot_id|>): found in the text first,
// longest match at the leftmost position, and emitted as their ids without going through BPE.
#pragma once

#include "text/bpe_json.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mergelab::bpe {

struct AddedToken {
    int32_t id = 0;
    std::string content;
    bool lstrip = false; // swallows the whitespace before it
    bool rstrip = false; // swallows the whitespace after it
    bool singleWord = false;
};

// Where an added token occurs: [begin, end) in the text, including stripped whitespace.
struct AddedMatch {
    size_t begin;
    size_t end;
    int32_t id;
};

class AddedTokens {
public:
    AddedTokens() = default;
    // Reads the "added_tokens" array (null: none).
    AddedTokens(const Json& list, const JsonReader& reader);

    const std::vector<AddedToken>& tokens() const { return m_tokens; }
    // The next added token at or after `from`, or begin == text.size() when there is none.
    AddedMatch next(std::string_view text, size_t from) const;

private:
    struct Node {
        std::vector<std::pair<unsigned char, int32_t>> children;
        int32_t token = -1; // index into m_tokens ending here
    };
    int32_t child(int32_t node, unsigned char byte) const;
    bool fits(const AddedToken& token, std::string_view text, size_t begin, size_t end) const;

    std::vector<AddedToken> m_tokens;
    std::vector<Node> m_trie;
    bool m_firstByte[256] = {};
};

} // namespace mergelab::bpe
