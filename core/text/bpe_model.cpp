#include "text/bpe_model.h"

#include "text/unicode_text.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <functional>

namespace mergelab::bpe {

namespace {

// Pieces up to this many bytes merge by rescanning an array of pair ranks; longer ones (runs of
// spaces, long words) through a heap, so the loop stays O(n log n).
constexpr size_t kSmallPiece = 48;

// The inverse of byteLevelCodePoint over U+0000..U+0143, -1 elsewhere.
const std::vector<int>& byteOfCodePoint()
{
    static const std::vector<int> table = [] {
        std::vector<int> t(0x144, -1);
        for (int b = 0; b < 256; ++b)
            t[byteLevelCodePoint(static_cast<unsigned char>(b))] = b;
        return t;
    }();
    return table;
}

} // namespace

char32_t byteLevelCodePoint(unsigned char byte)
{
    // Printable Latin-1 stands for itself; the other 68 bytes take U+0100.. in byte order.
    auto printable = [](int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; };
    if (printable(byte))
        return byte;
    char32_t next = 0x100;
    for (int b = 0; b < byte; ++b)
        if (!printable(b))
            ++next;
    return next;
}

std::string tokenBytes(const std::string& token, bool* reachable)
{
    const std::vector<int>& table = byteOfCodePoint();
    std::string bytes;
    bytes.reserve(token.size());
    for (size_t pos = 0; pos < token.size();) {
        const Utf8Char c = decodeUtf8(token, pos);
        if (c.codePoint >= table.size() || table[c.codePoint] < 0) {
            if (reachable)
                *reachable = false;
            return token;
        }
        bytes += static_cast<char>(table[c.codePoint]);
        pos += c.length;
    }
    if (reachable)
        *reachable = true;
    return bytes;
}

BpeModel::BpeModel(const Json& model, const JsonReader& reader)
{
    if (!model.is_object())
        reader.bad("model", "expected a JSON object");
    const Json& type = reader.member(model, "type", "model");
    if (!type.is_null() && reader.string(type, "model.type") != "BPE")
        reader.unsupported("model.type", "'" + type.get<std::string>() + "' tokenizers are not supported (only BPE)");
    const Json& dropout = reader.member(model, "dropout", "model");
    if (!dropout.is_null() && !(dropout.is_number() && dropout.get<double>() == 0.0))
        reader.unsupported("model.dropout", "BPE dropout is not supported");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const Json& affix = reader.member(model, key, "model");
        if (!affix.is_null() && !reader.string(affix, std::string("model.") + key).empty())
            reader.unsupported(std::string("model.") + key, "subword prefixes and suffixes are not supported");
    }
    m_ignoreMerges = reader.boolean(reader.member(model, "ignore_merges", "model"), "model.ignore_merges", false);
    reader.boolean(reader.member(model, "byte_fallback", "model"), "model.byte_fallback", false);
    const Json& unk = reader.member(model, "unk_token", "model");
    if (!unk.is_null())
        reader.string(unk, "model.unk_token"); // never needed: every byte has a symbol
    readVocab(reader.requiredMember(model, "vocab", "model"), reader);
    readMerges(reader.requiredMember(model, "merges", "model"), reader);
}

void BpeModel::readVocab(const Json& vocab, const JsonReader& reader)
{
    if (!vocab.is_object())
        reader.bad("model.vocab", "expected an object of token -> id");
    std::vector<bool> seen;
    m_vocab.reserve(vocab.size());
    for (const auto& [token, value] : vocab.items()) {
        const int32_t id = reader.tokenId(value, "model.vocab[" + quoteToken(token) + "]");
        if (size_t(id) >= seen.size())
            seen.resize(std::max<size_t>(size_t(id) + 1, seen.size() * 2));
        if (seen[id])
            reader.bad("model.vocab", "token id " + std::to_string(id) + " is given to two tokens");
        seen[id] = true;
        m_vocab.emplace_back(id, token);
        m_idOfToken.emplace(token, id);
        bool reachable = false;
        std::string bytes = tokenBytes(token, &reachable);
        if (reachable)
            m_idOfBytes.emplace(std::move(bytes), id);
    }
    for (int b = 0; b < 256; ++b) {
        std::string symbol;
        appendUtf8(symbol, byteLevelCodePoint(static_cast<unsigned char>(b)));
        const auto it = m_idOfToken.find(symbol);
        if (it == m_idOfToken.end()) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", b);
            reader.unsupported("model.vocab", std::string("no byte-level symbol '") + symbol + "' for byte " + hex +
                                                  ": only byte-level BPE vocabularies are supported");
        }
        m_byteIds[b] = it->second;
    }
}

void BpeModel::readMerges(const Json& merges, const JsonReader& reader)
{
    if (!merges.is_array())
        reader.bad("model.merges", "expected an array");
    m_merges.reserve(merges.size());
    int32_t rank = 0;
    for (const Json& merge : merges) {
        const std::string where = "model.merges[" + std::to_string(rank) + "]";
        std::string left, right;
        if (merge.is_string()) {
            const std::string& text = merge.get_ref<const std::string&>();
            const size_t space = text.find(' ');
            if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos)
                reader.bad(where, "expected two tokens separated by one space, got " + quoteToken(text));
            left = text.substr(0, space);
            right = text.substr(space + 1);
        } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
            left = merge[0].get<std::string>();
            right = merge[1].get<std::string>();
        } else {
            reader.bad(where, "expected \"left right\" or [left, right]");
        }
        const int32_t leftId = idOfToken(left), rightId = idOfToken(right), result = idOfToken(left + right);
        for (const auto& [token, id] : {std::pair{left, leftId}, {right, rightId}, {left + right, result}})
            if (id < 0)
                reader.bad(where, "token " + quoteToken(token) + " is not in the vocabulary");
        // A repeated pair keeps its last rank, as the Hugging Face tokenizers do.
        m_merges.insert_or_assign(pairKey(leftId, rightId), Merge{rank, result});
        ++rank;
    }
}

int32_t BpeModel::idOfToken(const std::string& token) const
{
    const auto it = m_idOfToken.find(token);
    return it == m_idOfToken.end() ? -1 : it->second;
}

void BpeModel::encodePiece(std::string_view piece, std::vector<int64_t>& ids) const
{
    if (piece.size() == 1) {
        ids.push_back(m_byteIds[static_cast<unsigned char>(piece[0])]);
        return;
    }
    if (m_ignoreMerges) {
        const auto it = m_idOfBytes.find(std::string(piece));
        if (it != m_idOfBytes.end()) {
            ids.push_back(it->second);
            return;
        }
    }
    std::vector<int32_t> symbols(piece.size());
    for (size_t i = 0; i < piece.size(); ++i)
        symbols[i] = m_byteIds[static_cast<unsigned char>(piece[i])];
    mergeSymbols(symbols);
    ids.insert(ids.end(), symbols.begin(), symbols.end());
}

void BpeModel::mergeSymbols(std::vector<int32_t>& symbols) const
{
    auto find = [&](int32_t left, int32_t right) -> const Merge* {
        const auto it = m_merges.find(pairKey(left, right));
        return it == m_merges.end() ? nullptr : &it->second;
    };
    if (symbols.size() <= kSmallPiece) {
        // ranks[i]: the merge of symbols i and i+1, lowest rank first, leftmost among equals.
        std::vector<const Merge*> ranks(symbols.size() - 1);
        for (size_t i = 0; i + 1 < symbols.size(); ++i)
            ranks[i] = find(symbols[i], symbols[i + 1]);
        for (;;) {
            size_t best = ranks.size();
            for (size_t i = 0; i < ranks.size(); ++i)
                if (ranks[i] && (best == ranks.size() || ranks[i]->rank < ranks[best]->rank))
                    best = i;
            if (best == ranks.size())
                return;
            symbols[best] = ranks[best]->result;
            symbols.erase(symbols.begin() + best + 1);
            ranks.erase(ranks.begin() + best);
            if (best > 0)
                ranks[best - 1] = find(symbols[best - 1], symbols[best]);
            if (best < ranks.size())
                ranks[best] = find(symbols[best], symbols[best + 1]);
        }
    }
    // Linked symbols and a min-heap of (rank, left position); stale entries are skipped.
    const int32_t n = static_cast<int32_t>(symbols.size());
    std::vector<int32_t> prev(n), next(n);
    for (int32_t i = 0; i < n; ++i) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
    }
    using Entry = std::pair<int32_t, int32_t>;
    std::vector<Entry> heap;
    auto push = [&](int32_t pos) {
        if (pos < 0 || next[pos] < 0)
            return;
        if (const Merge* m = find(symbols[pos], symbols[next[pos]])) {
            heap.emplace_back(m->rank, pos);
            std::push_heap(heap.begin(), heap.end(), std::greater<>());
        }
    };
    for (int32_t i = 0; i + 1 < n; ++i)
        push(i);
    std::vector<bool> alive(n, true);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        const auto [rank, pos] = heap.back();
        heap.pop_back();
        if (!alive[pos] || next[pos] < 0)
            continue;
        const Merge* m = find(symbols[pos], symbols[next[pos]]);
        if (!m || m->rank != rank)
            continue;
        const int32_t right = next[pos];
        symbols[pos] = m->result;
        alive[right] = false;
        next[pos] = next[right];
        if (next[right] >= 0)
            prev[next[right]] = pos;
        push(prev[pos]);
        push(pos);
    }
    size_t kept = 0;
    for (int32_t i = 0; i < n; ++i)
        if (alive[i])
            symbols[kept++] = symbols[i];
    symbols.resize(kept);
}

} // namespace mergelab::bpe
