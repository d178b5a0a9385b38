// UTF-8 and the bits of Unicode the byte-level BPE tokenizers need: the character classes their
// pre-tokenizer patterns test, NFC, and the lossy UTF-8 repair of decoded bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mergelab {

// The classes \p{Lu} \p{Ll} \p{Lt} \p{Lm} \p{Lo} \p{M} \p{N} and Oniguruma's Unicode \s
// (U+0009..U+000D, U+0085, Zs, Zl, Zp); everything else is Other.
enum class UnicodeClass : uint8_t { Other, Lu, Ll, Lt, Lm, Lo, Mark, Number, Space };

UnicodeClass unicodeClass(char32_t codePoint);
inline bool isLetter(UnicodeClass c)
{
    return c >= UnicodeClass::Lu && c <= UnicodeClass::Lo;
}

// The Unicode version of the tables (that of the python3 that generated them).
const char* unicodeVersion();

// The code point at text[pos] and its length in bytes. Invalid UTF-8 reads as one byte of
// U+FFFD-like Other (code point 0xFFFFFFFF), so every byte belongs to exactly one "character".
struct Utf8Char {
    char32_t codePoint;
    size_t length;
};
Utf8Char decodeUtf8(std::string_view text, size_t pos);
void appendUtf8(std::string& out, char32_t codePoint);

// Unicode Normalization Form C.
std::string toNfc(std::string_view text);

// Valid UTF-8 unchanged; each maximal invalid subsequence replaced by U+FFFD (as Rust's
// String::from_utf8_lossy, which the Hugging Face decoders use).
std::string repairUtf8(std::string_view bytes);

} // namespace mergelab
