// The pre-tokenizer regexes of byte-level BPE tokenizers, as hand-written scanners over UTF-8 code
// points (std::regex has no \p{L}). Only the known patterns are recognised; each scanner gives the
// same pieces as the Oniguruma regex with find-all (every character belongs to exactly one match).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mergelab::bpe {

struct SplitPattern {
    enum class Family {
        Gpt2,   // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
        Cl100k, // Llama 3 (digits 3), Qwen2 (digits 1), DeepSeek-like (digits unbounded)
        O200k,  // Mistral-Nemo / Tekken (digits 1, no contractions), GPT-4o o200k (digits 3, contractions)
    };
    Family family = Family::Gpt2;
    size_t maxDigits = 0; // 0: unbounded (\p{N}+)
    bool contractions = false;
    const char* name = "";
};

// The scanner of a Split pre-tokenizer's regex (literal CR/LF in the JSON string count as \r / \n),
// or nothing when the pattern is not one MergeLab knows.
std::optional<SplitPattern> recogniseSplitPattern(const std::string& regex);
// The pattern of the ByteLevel pre-tokenizer's use_regex (GPT-2's).
SplitPattern gpt2Pattern();

// Appends the matches of `pattern` in `text` to `pieces`, in order (Split with behavior Isolated).
void splitWithPattern(const SplitPattern& pattern, std::string_view text, std::vector<std::string_view>& pieces);

} // namespace mergelab::bpe
