#include "text/bpe_pretokenizer.h"

#include "text/unicode_text.h"

#include <algorithm>

namespace mergelab::bpe {

namespace {

constexpr size_t kMaxNesting = 16;

size_t depth(const std::string& where)
{
    return static_cast<size_t>(std::count(where.begin(), where.end(), '['));
}

} // namespace

PreTokenizer::PreTokenizer(const Json& normalizer, const Json& preTokenizer, const JsonReader& reader)
{
    if (!normalizer.is_null())
        readNormalizer(normalizer, reader, "normalizer");
    if (preTokenizer.is_null())
        reader.unsupported("pre_tokenizer", "missing: only byte-level BPE tokenizers (a ByteLevel pre-tokenizer) "
                                            "are supported");
    readStep(preTokenizer, reader, "pre_tokenizer");
    if (std::none_of(m_steps.begin(), m_steps.end(), [](const Step& s) { return s.byteLevel; }))
        reader.unsupported("pre_tokenizer", "no ByteLevel step: only byte-level BPE tokenizers are supported");
}

void PreTokenizer::readNormalizer(const Json& normalizer, const JsonReader& reader, const std::string& where)
{
    const std::string type = reader.type(normalizer, where);
    if (type == "NFC") {
        m_nfc = true;
    } else if (type == "Sequence" && depth(where) < kMaxNesting) {
        const Json& list = reader.requiredMember(normalizer, "normalizers", where);
        if (!list.is_array())
            reader.bad(where + ".normalizers", "expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            readNormalizer(list[i], reader, where + ".normalizers[" + std::to_string(i) + "]");
    } else {
        reader.unsupported(where, "normalizer '" + type + "' is not supported (only NFC)");
    }
}

void PreTokenizer::readStep(const Json& step, const JsonReader& reader, const std::string& where)
{
    const std::string type = reader.type(step, where);
    if (type == "Sequence" && depth(where) < kMaxNesting) {
        const Json& list = reader.requiredMember(step, "pretokenizers", where);
        if (!list.is_array())
            reader.bad(where + ".pretokenizers", "expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            readStep(list[i], reader, where + ".pretokenizers[" + std::to_string(i) + "]");
    } else if (type == "ByteLevel") {
        Step s;
        s.byteLevel = true;
        s.addPrefixSpace = reader.boolean(reader.member(step, "add_prefix_space", where), where, true);
        s.splits = reader.boolean(reader.member(step, "use_regex", where), where + ".use_regex", true);
        s.pattern = gpt2Pattern();
        m_steps.push_back(s);
    } else if (type == "Split") {
        const Json& pattern = reader.requiredMember(step, "pattern", where);
        const Json& regex = reader.member(pattern, "Regex", where + ".pattern");
        if (regex.is_null())
            reader.unsupported(where + ".pattern", "only Regex split patterns are supported");
        const std::string text = reader.string(regex, where + ".pattern.Regex");
        const std::string behavior = reader.string(reader.requiredMember(step, "behavior", where), where + ".behavior");
        if (behavior != "Isolated")
            reader.unsupported(where + ".behavior",
                               "split behavior '" + behavior + "' is not supported (only Isolated)");
        if (reader.boolean(reader.member(step, "invert", where), where + ".invert", false))
            reader.unsupported(where + ".invert", "inverted splits are not supported");
        const std::optional<SplitPattern> known = recogniseSplitPattern(text);
        if (!known)
            reader.unsupported(where + ".pattern", "the split pattern " + quoteToken(text) +
                                                       " is not supported (known: GPT-2, Llama 3, Qwen2, "
                                                       "Mistral-Nemo / Tekken, o200k)");
        Step s;
        s.splits = true;
        s.pattern = *known;
        m_steps.push_back(s);
    } else {
        reader.unsupported(where, "pre-tokenizer '" + type + "' is not supported (ByteLevel, Split, Sequence)");
    }
}

std::string PreTokenizer::normalize(std::string_view text) const
{
    return m_nfc ? toNfc(text) : std::string(text);
}

void PreTokenizer::split(std::string_view text, std::deque<std::string>& storage,
                         std::vector<std::string_view>& pieces) const
{
    pieces.clear();
    if (text.empty())
        return;
    pieces.push_back(text);
    std::vector<std::string_view> next;
    for (const Step& step : m_steps) {
        next.clear();
        for (std::string_view piece : pieces) {
            if (step.addPrefixSpace && piece.front() != ' ') {
                storage.push_back(" " + std::string(piece));
                piece = storage.back();
            }
            if (step.splits)
                splitWithPattern(step.pattern, piece, next);
            else
                next.push_back(piece);
        }
        pieces.swap(next);
    }
}

} // namespace mergelab::bpe
