#include "text/bpe_split_pattern.h"

#include "text/unicode_text.h"

namespace mergelab::bpe {

namespace {

using Family = SplitPattern::Family;

std::string patternText(const SplitPattern& p)
{
    const std::string digits = p.maxDigits == 0 ? "\\p{N}+" : p.maxDigits == 1 ? "\\p{N}" : "\\p{N}{1,3}";
    const std::string contractions = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
    switch (p.family) {
    case Family::Gpt2:
        return "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    case Family::Cl100k:
        return contractions + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" + digits +
               "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    case Family::O200k: {
        const std::string suffix = p.contractions ? contractions + "?" : "";
        const std::string upper = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]", lower = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]";
        const std::string prefix = "[^\\r\\n\\p{L}\\p{N}]?";
        return prefix + upper + "*" + lower + "+" + suffix + "|" + prefix + upper + "+" + lower + "*" + suffix + "|" +
               digits + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    }
    }
    return {};
}

std::vector<SplitPattern> knownPatterns()
{
    std::vector<SplitPattern> known = {gpt2Pattern()};
    for (size_t digits : {3, 1, 0}) {
        known.push_back({Family::Cl100k, digits, true, "cl100k / Llama 3 / Qwen2"});
        for (bool contractions : {true, false})
            known.push_back({Family::O200k, digits, contractions, "o200k / Tekken"});
    }
    return known;
}

// The text decoded once: code point, class and byte offset of each character (plus an end sentinel).
struct Chars {
    std::vector<char32_t> cp;
    std::vector<UnicodeClass> cls;
    std::vector<size_t> offset;
    size_t n = 0;

    explicit Chars(std::string_view text)
    {
        cp.reserve(text.size() + 1);
        cls.reserve(text.size() + 1);
        offset.reserve(text.size() + 1);
        for (size_t pos = 0; pos < text.size();) {
            const Utf8Char c = decodeUtf8(text, pos);
            cp.push_back(c.codePoint);
            cls.push_back(c.codePoint < 0x80 ? asciiClass(c.codePoint) : unicodeClass(c.codePoint));
            offset.push_back(pos);
            pos += c.length;
        }
        n = cp.size();
        cp.push_back(0);
        cls.push_back(UnicodeClass::Other);
        offset.push_back(text.size());
    }

    static UnicodeClass asciiClass(char32_t c)
    {
        static const auto table = [] {
            std::vector<UnicodeClass> t(128);
            for (char32_t i = 0; i < 128; ++i)
                t[i] = unicodeClass(i);
            return t;
        }();
        return table[c];
    }

    // Character classes of the patterns; all false at the end sentinel.
    bool letter(size_t i) const { return i < n && isLetter(cls[i]); }
    bool number(size_t i) const { return i < n && cls[i] == UnicodeClass::Number; }
    bool space(size_t i) const { return i < n && cls[i] == UnicodeClass::Space; }
    bool crlf(size_t i) const { return i < n && (cp[i] == '\r' || cp[i] == '\n'); }
    // [^\s\p{L}\p{N}]
    bool symbol(size_t i) const { return i < n && !space(i) && !letter(i) && !number(i); }
    // [^\r\n\p{L}\p{N}]
    bool prefix(size_t i) const { return i < n && !crlf(i) && !letter(i) && !number(i); }
    // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}]
    bool upper(size_t i) const
    {
        return i < n && (cls[i] == UnicodeClass::Lu || cls[i] == UnicodeClass::Lt || both(i));
    }
    bool lower(size_t i) const { return i < n && (cls[i] == UnicodeClass::Ll || both(i)); }
    bool both(size_t i) const
    {
        return cls[i] == UnicodeClass::Lm || cls[i] == UnicodeClass::Lo || cls[i] == UnicodeClass::Mark;
    }

    template <class Pred>
    size_t run(size_t i, Pred pred, size_t limit = 0) const
    {
        const size_t start = i;
        while (i < n && pred(i) && (limit == 0 || i - start < limit))
            ++i;
        return i;
    }
};

// 's|'t|'re|'ve|'m|'ll|'d at i (case-insensitive: Unicode simple folding, so also 'ſ): the end, or i.
size_t contraction(const Chars& c, size_t i, bool ignoreCase)
{
    if (i >= c.n || c.cp[i] != '\'')
        return i;
    auto fold = [&](size_t k) -> char32_t {
        if (k >= c.n)
            return 0;
        const char32_t ch = c.cp[k];
        if (!ignoreCase)
            return ch;
        if (ch >= 'A' && ch <= 'Z')
            return ch - 'A' + 'a';
        return ch == 0x17F ? 's' : ch;
    };
    for (const char* suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
        size_t k = i + 1;
        const char* s = suffix;
        while (*s && fold(k) == char32_t(*s)) {
            ++k;
            ++s;
        }
        if (!*s)
            return k;
    }
    return i;
}

// \s*[\r\n]+ | \s+(?!\S) | \s+ at a whitespace character i: the end of the match.
size_t whitespace(const Chars& c, size_t i, bool newlineRule)
{
    const size_t end = c.run(i, [&](size_t k) { return c.space(k); });
    if (newlineRule) {
        for (size_t k = end; k > i; --k)
            if (c.crlf(k - 1))
                return k;
    }
    if (end == c.n || end - i < 2)
        return end;
    return end - 1;
}

size_t matchGpt2(const Chars& c, size_t i)
{
    const size_t k = contraction(c, i, false);
    if (k > i)
        return k;
    const size_t start = c.cp[i] == ' ' ? i + 1 : i;
    if (c.letter(start))
        return c.run(start, [&](size_t j) { return c.letter(j); });
    if (c.number(start))
        return c.run(start, [&](size_t j) { return c.number(j); });
    if (c.symbol(start))
        return c.run(start, [&](size_t j) { return c.symbol(j); });
    if (c.space(i))
        return whitespace(c, i, false);
    return i + 1; // unreachable: every character is a letter, number, symbol or space
}

size_t matchCl100k(const Chars& c, size_t i, size_t maxDigits)
{
    const size_t k = contraction(c, i, true);
    if (k > i)
        return k;
    if (c.prefix(i) && c.letter(i + 1))
        return c.run(i + 1, [&](size_t j) { return c.letter(j); });
    if (c.letter(i))
        return c.run(i, [&](size_t j) { return c.letter(j); });
    if (c.number(i))
        return c.run(
            i, [&](size_t j) { return c.number(j); }, maxDigits);
    const size_t start = c.cp[i] == ' ' && c.symbol(i + 1) ? i + 1 : i;
    if (c.symbol(start)) {
        const size_t end = c.run(start, [&](size_t j) { return c.symbol(j); });
        return c.run(end, [&](size_t j) { return c.crlf(j); });
    }
    return whitespace(c, i, true);
}

// [upper]*[lower]+ from p (A* backtracks to the last position where a lower one can start): end or npos.
size_t upperStarLowerPlus(const Chars& c, size_t p)
{
    const size_t a = c.run(p, [&](size_t j) { return c.upper(j); });
    for (size_t k = a + 1; k-- > p;)
        if (c.lower(k))
            return c.run(k, [&](size_t j) { return c.lower(j); });
    return std::string_view::npos;
}

size_t matchO200k(const Chars& c, size_t i, size_t maxDigits, bool contractions)
{
    auto withSuffix = [&](size_t end) { return contractions ? contraction(c, end, true) : end; };
    // [^\r\n\p{L}\p{N}]?[upper]*[lower]+
    if (c.prefix(i)) {
        const size_t end = upperStarLowerPlus(c, i + 1);
        if (end != std::string_view::npos)
            return withSuffix(end);
    }
    size_t end = upperStarLowerPlus(c, i);
    if (end != std::string_view::npos)
        return withSuffix(end);
    // [^\r\n\p{L}\p{N}]?[upper]+[lower]*
    const size_t start = c.prefix(i) && c.upper(i + 1) ? i + 1 : i;
    if (c.upper(start)) {
        end = c.run(start, [&](size_t j) { return c.upper(j); });
        return withSuffix(c.run(end, [&](size_t j) { return c.lower(j); }));
    }
    if (c.number(i))
        return c.run(
            i, [&](size_t j) { return c.number(j); }, maxDigits);
    const size_t symbolStart = c.cp[i] == ' ' && c.symbol(i + 1) ? i + 1 : i;
    if (c.symbol(symbolStart)) {
        end = c.run(symbolStart, [&](size_t j) { return c.symbol(j); });
        return c.run(end, [&](size_t j) { return c.crlf(j) || c.cp[j] == '/'; });
    }
    return whitespace(c, i, true);
}

} // namespace

SplitPattern gpt2Pattern()
{
    return {Family::Gpt2, 0, true, "GPT-2"};
}

std::optional<SplitPattern> recogniseSplitPattern(const std::string& regex)
{
    std::string canonical;
    for (char ch : regex) {
        if (ch == '\r')
            canonical += "\\r";
        else if (ch == '\n')
            canonical += "\\n";
        else
            canonical += ch;
    }
    for (const SplitPattern& p : knownPatterns())
        if (patternText(p) == canonical)
            return p;
    return std::nullopt;
}

void splitWithPattern(const SplitPattern& pattern, std::string_view text, std::vector<std::string_view>& pieces)
{
    const Chars chars(text);
    for (size_t i = 0; i < chars.n;) {
        size_t end = i + 1;
        switch (pattern.family) {
        case Family::Gpt2:
            end = matchGpt2(chars, i);
            break;
        case Family::Cl100k:
            end = matchCl100k(chars, i, pattern.maxDigits);
            break;
        case Family::O200k:
            end = matchO200k(chars, i, pattern.maxDigits, pattern.contractions);
            break;
        }
        if (end <= i) // never: every alternative consumes a character
            end = i + 1;
        pieces.push_back(text.substr(chars.offset[i], chars.offset[end] - chars.offset[i]));
        i = end;
    }
}

} // namespace mergelab::bpe
