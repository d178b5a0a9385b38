#include "text/unicode_text.h"

#include "text/unicode_data.h"

#include <algorithm>
#include <vector>

namespace mergelab {

namespace ud = unicode_data;

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;
constexpr char32_t kHangulBase = 0xAC00, kLeadBase = 0x1100, kVowelBase = 0x1161, kTrailBase = 0x11A7;
constexpr char32_t kLeadCount = 19, kVowelCount = 21, kTrailCount = 28;
constexpr char32_t kSyllableCount = kLeadCount * kVowelCount * kTrailCount;

// One UTF-8 sequence at pos: the code point when valid, else the length of its maximal subpart
// (the bytes that could still start a valid sequence, at least one).
struct Scan {
    char32_t codePoint;
    size_t length;
    bool valid;
};

Scan scanUtf8(std::string_view text, size_t pos)
{
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80)
        return {lead, 1, true};
    size_t need = 0;
    unsigned char low = 0x80, high = 0xBF;
    char32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        cp = lead & 0x0F;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        cp = lead & 0x07;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return {kInvalid, 1, false};
    }
    for (size_t k = 1; k <= need; ++k) {
        if (pos + k >= text.size())
            return {kInvalid, k, false};
        const unsigned char b = byte(pos + k);
        if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF))
            return {kInvalid, k, false};
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, need + 1, true};
}

template <class T>
size_t rangeIndex(const uint32_t* starts, size_t count, T codePoint)
{
    return static_cast<size_t>(std::upper_bound(starts, starts + count, codePoint) - starts) - 1;
}

uint8_t combiningClass(char32_t cp)
{
    if (cp < 0x300)
        return 0;
    return ud::kCombiningValues[rangeIndex(ud::kCombiningStarts, ud::kCombiningCount, cp)];
}

void decompose(char32_t cp, std::vector<char32_t>& out)
{
    if (cp >= kHangulBase && cp < kHangulBase + kSyllableCount) {
        const char32_t index = cp - kHangulBase;
        out.push_back(kLeadBase + index / (kVowelCount * kTrailCount));
        out.push_back(kVowelBase + (index % (kVowelCount * kTrailCount)) / kTrailCount);
        if (index % kTrailCount != 0)
            out.push_back(kTrailBase + index % kTrailCount);
        return;
    }
    const ud::Decomposition* end = ud::kDecompositions + ud::kDecompositionCount;
    const ud::Decomposition* it = std::lower_bound(
        ud::kDecompositions, end, cp, [](const ud::Decomposition& d, char32_t c) { return d.codePoint < c; });
    if (it == end || it->codePoint != cp) {
        out.push_back(cp);
        return;
    }
    out.insert(out.end(), ud::kDecompositionData + it->offset, ud::kDecompositionData + it->offset + it->length);
}

// The primary composite of (first, second), or 0.
char32_t compose(char32_t first, char32_t second)
{
    if (first >= kLeadBase && first < kLeadBase + kLeadCount && second >= kVowelBase &&
        second < kVowelBase + kVowelCount)
        return kHangulBase + ((first - kLeadBase) * kVowelCount + (second - kVowelBase)) * kTrailCount;
    if (first >= kHangulBase && first < kHangulBase + kSyllableCount && (first - kHangulBase) % kTrailCount == 0 &&
        second > kTrailBase && second < kTrailBase + kTrailCount)
        return first + (second - kTrailBase);
    const ud::Composition* end = ud::kCompositions + ud::kCompositionCount;
    const ud::Composition* it =
        std::lower_bound(ud::kCompositions, end, std::make_pair(first, second),
                         [](const ud::Composition& c, const std::pair<char32_t, char32_t>& key) {
                             return c.first != key.first ? c.first < key.first : c.second < key.second;
                         });
    return it != end && it->first == first && it->second == second ? it->composite : 0;
}

} // namespace

UnicodeClass unicodeClass(char32_t codePoint)
{
    if (codePoint > 0x10FFFF)
        return UnicodeClass::Other;
    return static_cast<UnicodeClass>(ud::kClassValues[rangeIndex(ud::kClassStarts, ud::kClassCount, codePoint)]);
}

const char* unicodeVersion()
{
    return ud::kUnicodeVersion;
}

Utf8Char decodeUtf8(std::string_view text, size_t pos)
{
    const Scan s = scanUtf8(text, pos);
    return s.valid ? Utf8Char{s.codePoint, s.length} : Utf8Char{kInvalid, 1};
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string toNfc(std::string_view text)
{
    // Text without a code point from U+0300 on is already NFC (nothing below composes or reorders).
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0xCC; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    std::vector<char32_t> buffer;
    size_t pos = 0;
    // Normalise one segment of valid UTF-8 at a time; invalid bytes are copied as they are.
    while (pos < text.size()) {
        buffer.clear();
        Scan s{};
        while (pos < text.size() && (s = scanUtf8(text, pos)).valid) {
            decompose(s.codePoint, buffer);
            pos += s.length;
        }
        // Canonical order: stable sort of each run of non-zero combining classes.
        for (size_t i = 1; i < buffer.size(); ++i) {
            const uint8_t cc = combiningClass(buffer[i]);
            if (cc == 0)
                continue;
            for (size_t j = i; j > 0 && combiningClass(buffer[j - 1]) > cc; --j)
                std::swap(buffer[j - 1], buffer[j]);
        }
        // Canonical composition (UAX #15): a character joins the last starter unless blocked.
        size_t kept = 0;
        size_t starter = 0;
        bool haveStarter = false;
        int lastClass = -1;
        for (size_t i = 0; i < buffer.size(); ++i) {
            const char32_t ch = buffer[i];
            const int cc = combiningClass(ch);
            if (haveStarter && (lastClass < cc || lastClass == 0)) {
                if (const char32_t composite = compose(buffer[starter], ch)) {
                    buffer[starter] = composite;
                    continue;
                }
            }
            if (cc == 0) {
                starter = kept;
                haveStarter = true;
            }
            lastClass = cc;
            buffer[kept++] = ch;
        }
        for (size_t i = 0; i < kept; ++i)
            appendUtf8(out, buffer[i]);
        if (pos < text.size()) {
            out.append(text.substr(pos, s.length));
            pos += s.length;
        }
    }
    return out;
}

std::string repairUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    size_t pos = 0;
    while (pos < bytes.size()) {
        const Scan s = scanUtf8(bytes, pos);
        if (s.valid)
            out.append(bytes.substr(pos, s.length));
        else
            out += "\xEF\xBF\xBD";
        pos += s.length;
    }
    return out;
}

} // namespace mergelab
