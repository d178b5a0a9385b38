#include "text/tokenizer.h"

#include "common/error.h"
#include "io/json_file.h"
#include "text/bpe_tokenizer.h"
#include "text/sentencepiece_tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace mergelab {

namespace fs = std::filesystem;

std::unique_ptr<Tokenizer> Tokenizer::open(const std::string& path)
{
    std::error_code ec;
    const fs::path folder = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    const fs::path spModel = folder / "tokenizer.model";
    const fs::path hfJson = folder / "tokenizer.json";
    std::unique_ptr<Tokenizer> tokenizer;
    BpeTokenizer* bpe = nullptr;
    if (fs::exists(spModel, ec)) {
        tokenizer = std::make_unique<SentencePieceTokenizer>(spModel.string());
    } else if (fs::exists(hfJson, ec)) {
        auto owned = std::make_unique<BpeTokenizer>(hfJson.string());
        bpe = owned.get();
        tokenizer = std::move(owned);
    } else {
        throw IoError(folder.string(), {}, "no tokenizer in the folder (tokenizer.model or tokenizer.json)");
    }
    const std::string configPath = (folder / "tokenizer_config.json").string();
    nlohmann::json config = readJsonFileIfPresent(configPath, "tokenizer config");
    if (!config.is_null()) {
        if (!config.is_object())
            throw FormatError(configPath, {}, "expected a JSON object");
        // bos_token / eos_token name the ids of a tokenizer.json (a SentencePiece model knows its own).
        if (bpe)
            bpe->useTokenizerConfig(config, configPath);
        auto flag = [&](const char* key, bool& out) {
            if (!config.contains(key) || config[key].is_null())
                return;
            if (!config[key].is_boolean())
                throw FormatError(configPath, {}, std::string("key '") + key + "': expected true or false");
            out = config[key].get<bool>();
        };
        flag("add_bos_token", tokenizer->m_addBos);
        flag("add_eos_token", tokenizer->m_addEos);
    }
    if (tokenizer->m_addBos && tokenizer->m_bosId < 0)
        throw FormatError(tokenizer->m_path, {}, "add_bos_token is set but the tokenizer has no BOS token");
    if (tokenizer->m_addEos && tokenizer->m_eosId < 0)
        throw FormatError(tokenizer->m_path, {}, "add_eos_token is set but the tokenizer has no EOS token");
    return tokenizer;
}

std::vector<int64_t> Tokenizer::encodePrompt(const std::string& text) const
{
    std::vector<int64_t> ids = encodeForModel(text);
    if (m_addEos && !ids.empty())
        ids.pop_back();
    return ids;
}

std::vector<int64_t> Tokenizer::encodeForModel(const std::string& text) const
{
    std::vector<int64_t> ids;
    if (m_addBos)
        ids.push_back(m_bosId);
    std::vector<int64_t> body = encode(text);
    ids.insert(ids.end(), body.begin(), body.end());
    if (m_addEos)
        ids.push_back(m_eosId);
    return ids;
}

} // namespace mergelab
