#include "text/bpe_tokenizer.h"

#include "common/error.h"
#include "io/json_file.h"
#include "text/bpe_added_tokens.h"
#include "text/bpe_json.h"
#include "text/bpe_model.h"
#include "text/bpe_pretokenizer.h"
#include "text/unicode_text.h"

#include <deque>

namespace mergelab {

using bpe::Json;
using bpe::JsonReader;

namespace {

constexpr int kMaxNesting = 16;

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

} // namespace

BpeTokenizer::BpeTokenizer() = default;

BpeTokenizer::BpeTokenizer(const std::string& path)
{
    m_path = path;
    load(readTextFile(path, "tokenizer"));
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::fromJsonText(const std::string& text, const std::string& path)
{
    std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer());
    tokenizer->m_path = path;
    tokenizer->load(text);
    return tokenizer;
}

BpeTokenizer::~BpeTokenizer() = default;

void BpeTokenizer::load(const std::string& text)
{
    const Json root = parseJson(text, m_path, "tokenizer");
    const JsonReader reader(m_path);
    try {
        if (!root.is_object())
            reader.bad("", "expected a JSON object");
        m_model = std::make_unique<bpe::BpeModel>(reader.requiredMember(root, "model", ""), reader);
        m_preTokenizer = std::make_unique<bpe::PreTokenizer>(reader.member(root, "normalizer", ""),
                                                             reader.member(root, "pre_tokenizer", ""), reader);
        m_added = std::make_unique<bpe::AddedTokens>(reader.member(root, "added_tokens", ""), reader);
        readPostProcessor(reader.member(root, "post_processor", ""), "post_processor", 0);
        readDecoder(reader.member(root, "decoder", ""), "decoder", 0);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(m_path, {}, "unexpected content: " + oneLine(e.what()));
    }

    // The decode table: vocabulary, then added tokens (which may repeat a vocabulary entry).
    int64_t maxId = -1;
    for (const auto& [id, token] : m_model->vocab())
        maxId = std::max<int64_t>(maxId, id);
    for (const bpe::AddedToken& token : m_added->tokens())
        maxId = std::max<int64_t>(maxId, token.id);
    m_tokenIndex.assign(size_t(maxId + 1), -1);
    std::vector<const std::string*> written(m_tokenIndex.size(), nullptr);
    for (const auto& [id, token] : m_model->vocab()) {
        m_tokenIndex[id] = static_cast<int32_t>(m_tokenBytes.size());
        m_tokenBytes.push_back(bpe::tokenBytes(token));
        written[id] = &token;
    }
    for (size_t i = 0; i < m_added->tokens().size(); ++i) {
        const bpe::AddedToken& token = m_added->tokens()[i];
        if (written[token.id] && *written[token.id] != token.content)
            reader.bad("added_tokens[" + std::to_string(i) + "]",
                       "token id " + std::to_string(token.id) + " is " + bpe::quoteToken(*written[token.id]) +
                           " in the vocabulary but " + bpe::quoteToken(token.content) + " here");
        if (written[token.id])
            continue;
        m_tokenIndex[token.id] = static_cast<int32_t>(m_tokenBytes.size());
        m_tokenBytes.push_back(bpe::tokenBytes(token.content));
    }

    for (const std::vector<int64_t>* added : {&m_templateBefore, &m_templateAfter})
        for (int64_t id : *added)
            if (id >= int64_t(m_tokenIndex.size()) || m_tokenIndex[id] < 0)
                reader.bad("post_processor",
                           "the template adds token id " + std::to_string(id) + ", which is not in the vocabulary");
    if (m_templateBefore.size() > 1 || m_templateAfter.size() > 1)
        reader.unsupported("post_processor", "the template adds several tokens around the text; only one BOS "
                                             "and one EOS are supported");
    m_addBos = !m_templateBefore.empty();
    m_bosId = m_addBos ? m_templateBefore.front() : -1;
    m_addEos = !m_templateAfter.empty();
    m_eosId = m_addEos ? m_templateAfter.front() : -1;
}

void BpeTokenizer::readPostProcessor(const Json& processor, const std::string& where, int depth)
{
    const JsonReader reader(m_path);
    if (processor.is_null())
        return;
    const std::string type = reader.type(processor, where);
    if (type == "ByteLevel")
        return; // offsets only
    if (type == "Sequence" && depth < kMaxNesting) {
        const Json& list = reader.requiredMember(processor, "processors", where);
        if (!list.is_array())
            reader.bad(where + ".processors", "expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            readPostProcessor(list[i], where + ".processors[" + std::to_string(i) + "]", depth + 1);
        return;
    }
    if (type != "TemplateProcessing")
        reader.unsupported(where, "post-processor '" + type + "' is not supported (TemplateProcessing, ByteLevel)");
    const Json& single = reader.requiredMember(processor, "single", where);
    const Json& specials = reader.member(processor, "special_tokens", where);
    if (!single.is_array())
        reader.bad(where + ".single", "expected an array");
    std::vector<int64_t> before, after;
    bool sawText = false;
    for (size_t i = 0; i < single.size(); ++i) {
        const std::string at = where + ".single[" + std::to_string(i) + "]";
        const Json& sequence = reader.member(single[i], "Sequence", at);
        if (!sequence.is_null()) {
            if (sawText)
                reader.unsupported(at, "the template repeats the text");
            sawText = true;
            continue;
        }
        const Json& special = reader.requiredMember(single[i], "SpecialToken", at);
        const std::string name = reader.string(reader.requiredMember(special, "id", at), at + ".SpecialToken.id");
        const Json& entry = specials.is_object() ? reader.member(specials, name.c_str(), where) : Json();
        if (entry.is_null())
            reader.bad(at, "special token " + bpe::quoteToken(name) + " is not in special_tokens");
        const Json& ids = reader.requiredMember(entry, "ids", where + ".special_tokens");
        if (!ids.is_array())
            reader.bad(where + ".special_tokens", "expected an array of ids");
        for (const Json& id : ids)
            (sawText ? after : before).push_back(reader.tokenId(id, where + ".special_tokens"));
    }
    if (!sawText)
        reader.bad(where + ".single", "the template has no $A");
    m_templateBefore = std::move(before);
    m_templateAfter = std::move(after);
}

void BpeTokenizer::readDecoder(const Json& decoder, const std::string& where, int depth)
{
    const JsonReader reader(m_path);
    if (decoder.is_null())
        return;
    const std::string type = reader.type(decoder, where);
    if (type == "ByteLevel")
        return;
    if (type == "Sequence" && depth < kMaxNesting) {
        const Json& list = reader.requiredMember(decoder, "decoders", where);
        if (!list.is_array())
            reader.bad(where + ".decoders", "expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            readDecoder(list[i], where + ".decoders[" + std::to_string(i) + "]", depth + 1);
        return;
    }
    reader.unsupported(where, "decoder '" + type + "' is not supported (only ByteLevel)");
}

std::vector<int64_t> BpeTokenizer::encode(const std::string& text) const
{
    std::vector<int64_t> ids;
    for (size_t pos = 0;;) {
        const bpe::AddedMatch match = m_added->next(text, pos);
        encodeSegment(std::string_view(text).substr(pos, match.begin - pos), ids);
        if (match.id < 0)
            return ids;
        ids.push_back(match.id);
        pos = match.end;
    }
}

void BpeTokenizer::encodeSegment(std::string_view segment, std::vector<int64_t>& ids) const
{
    if (segment.empty())
        return;
    const std::string normalized = m_preTokenizer->normalize(segment);
    std::deque<std::string> storage;
    std::vector<std::string_view> pieces;
    m_preTokenizer->split(normalized, storage, pieces);
    for (std::string_view piece : pieces)
        if (!piece.empty())
            m_model->encodePiece(piece, ids);
}

std::string BpeTokenizer::decode(const std::vector<int64_t>& ids) const
{
    std::string bytes;
    for (int64_t id : ids) {
        if (id < 0 || id >= int64_t(m_tokenIndex.size()) || m_tokenIndex[id] < 0)
            throw InputError(m_path, {}, "token id " + std::to_string(id) + " is outside the vocabulary");
        bytes += m_tokenBytes[m_tokenIndex[id]];
    }
    return repairUtf8(bytes);
}

int64_t BpeTokenizer::vocabSize() const
{
    return static_cast<int64_t>(m_tokenIndex.size());
}

std::optional<int64_t> BpeTokenizer::tokenId(const std::string& token) const
{
    for (const bpe::AddedToken& added : m_added->tokens())
        if (added.content == token)
            return added.id;
    const int32_t id = m_model->idOfToken(token);
    return id < 0 ? std::nullopt : std::optional<int64_t>(id);
}

void BpeTokenizer::useTokenizerConfig(const nlohmann::json& config, const std::string& configPath)
{
    if (!config.is_object())
        return;
    auto name = [&](const char* key, const char* flag, int64_t& id, bool templateAdds) {
        const auto it = config.find(key);
        if (it == config.end() || it->is_null())
            return;
        const Json* content = &*it;
        if (it->is_object() && it->contains("content"))
            content = &(*it)["content"];
        if (!content->is_string())
            throw FormatError(configPath, {}, std::string("key '") + key + "': expected a token string");
        const std::optional<int64_t> found = tokenId(content->get<std::string>());
        if (!found)
            throw FormatError(configPath, {},
                              std::string(key) + " " + bpe::quoteToken(content->get<std::string>()) +
                                  " is not a token of " + m_path);
        const bool configDecides = config.contains(flag) && !config[flag].is_null();
        if (!templateAdds || configDecides)
            id = *found;
    };
    name("bos_token", "add_bos_token", m_bosId, m_addBos);
    name("eos_token", "add_eos_token", m_eosId, m_addEos);
}

} // namespace mergelab
