#include "text/bpe_added_tokens.h"

#include "text/unicode_text.h"

#include <unordered_set>

namespace mergelab::bpe {

namespace {

bool isWordChar(char32_t cp)
{
    const UnicodeClass c = unicodeClass(cp);
    return cp == '_' || isLetter(c) || c == UnicodeClass::Number;
}

} // namespace

AddedTokens::AddedTokens(const Json& list, const JsonReader& reader)
{
    m_trie.emplace_back();
    if (list.is_null())
        return;
    if (!list.is_array())
        reader.bad("added_tokens", "expected an array");
    std::unordered_set<int32_t> ids;
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string where = "added_tokens[" + std::to_string(i) + "]";
        const Json& item = list[i];
        AddedToken token;
        token.id = reader.tokenId(reader.requiredMember(item, "id", where), where + ".id");
        token.content = reader.string(reader.requiredMember(item, "content", where), where + ".content");
        token.lstrip = reader.boolean(reader.member(item, "lstrip", where), where + ".lstrip", false);
        token.rstrip = reader.boolean(reader.member(item, "rstrip", where), where + ".rstrip", false);
        token.singleWord = reader.boolean(reader.member(item, "single_word", where), where + ".single_word", false);
        reader.boolean(reader.member(item, "special", where), where + ".special", false);
        reader.boolean(reader.member(item, "normalized", where), where + ".normalized", false);
        if (token.content.empty())
            reader.bad(where + ".content", "an added token cannot be empty");
        if (!ids.insert(token.id).second)
            reader.bad(where + ".id", "token id " + std::to_string(token.id) + " is given to two added tokens");
        int32_t node = 0;
        for (unsigned char byte : token.content) {
            int32_t next = child(node, byte);
            if (next < 0) {
                next = static_cast<int32_t>(m_trie.size());
                m_trie[node].children.emplace_back(byte, next);
                m_trie.emplace_back();
            }
            node = next;
        }
        if (m_trie[node].token >= 0)
            reader.bad(where + ".content", "added token " + quoteToken(token.content) + " is listed twice");
        m_trie[node].token = static_cast<int32_t>(m_tokens.size());
        m_firstByte[static_cast<unsigned char>(token.content[0])] = true;
        m_tokens.push_back(std::move(token));
    }
}

int32_t AddedTokens::child(int32_t node, unsigned char byte) const
{
    for (const auto& [b, next] : m_trie[node].children)
        if (b == byte)
            return next;
    return -1;
}

bool AddedTokens::fits(const AddedToken& token, std::string_view text, size_t begin, size_t end) const
{
    if (!token.singleWord)
        return true;
    // A single-word token needs no word character on either side.
    if (end < text.size() && isWordChar(decodeUtf8(text, end).codePoint))
        return false;
    if (begin == 0)
        return true;
    size_t start = begin - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return !isWordChar(decodeUtf8(text, start).codePoint);
}

AddedMatch AddedTokens::next(std::string_view text, size_t from) const
{
    std::vector<std::pair<int32_t, size_t>> candidates; // (token index, end), shortest first
    for (size_t pos = from; pos < text.size(); ++pos) {
        if (!m_firstByte[static_cast<unsigned char>(text[pos])])
            continue;
        candidates.clear();
        int32_t node = 0;
        for (size_t k = pos; k < text.size() && (node = child(node, static_cast<unsigned char>(text[k]))) >= 0; ++k)
            if (m_trie[node].token >= 0)
                candidates.emplace_back(m_trie[node].token, k + 1);
        for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
            const AddedToken& token = m_tokens[it->first];
            if (!fits(token, text, pos, it->second))
                continue;
            AddedMatch match{pos, it->second, token.id};
            if (token.lstrip) {
                // Back to just after the last non-whitespace character since `from`.
                size_t keep = from;
                for (size_t p = from; p < pos;) {
                    const Utf8Char c = decodeUtf8(text, p);
                    p += c.length;
                    if (unicodeClass(c.codePoint) != UnicodeClass::Space)
                        keep = p;
                }
                match.begin = keep;
            }
            if (token.rstrip) {
                while (match.end < text.size()) {
                    const Utf8Char c = decodeUtf8(text, match.end);
                    if (unicodeClass(c.codePoint) != UnicodeClass::Space)
                        break;
                    match.end += c.length;
                }
            }
            return match;
        }
    }
    return {text.size(), text.size(), -1};
}

} // namespace mergelab::bpe
