// Hugging Face tokenizer.json byte-level BPE tokenizers (GPT-2, Llama 3, Qwen2, Mistral-Nemo):
// added tokens, NFC, the pre-tokenizer split (known regexes as scanners), ranked merges, the
// ByteLevel decoder, and BOS/EOS from the TemplateProcessing post-processor.
#pragma once

#include "text/tokenizer.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>

namespace mergelab {

namespace bpe {
class AddedTokens;
class BpeModel;
class PreTokenizer;
} // namespace bpe

class BpeTokenizer : public Tokenizer {
public:
    // Reads tokenizer.json. Throws IoError, FormatError (broken file) or InputError (a feature
    // MergeLab does not support), each one line naming `path`.
    explicit BpeTokenizer(const std::string& path);
    // Parses tokenizer.json text already in memory; `path` only names it in errors.
    static std::unique_ptr<BpeTokenizer> fromJsonText(const std::string& text, const std::string& path);
    ~BpeTokenizer() override;

    std::vector<int64_t> encode(const std::string& text) const override;
    // Bytes of the tokens, invalid UTF-8 replaced by U+FFFD (as transformers' decode).
    std::string decode(const std::vector<int64_t>& ids) const override;
    // One past the largest id (vocabulary and added tokens).
    int64_t vocabSize() const override;

    // The id of a token as written in the file (an added token or a vocabulary entry).
    std::optional<int64_t> tokenId(const std::string& token) const;
    // tokenizer_config.json's bos_token / eos_token name the BOS / EOS ids (the template's BOS
    // stays unless the config also says add_bos_token, as transformers' LlamaTokenizerFast).
    void useTokenizerConfig(const nlohmann::json& config, const std::string& configPath);

private:
    BpeTokenizer();
    void load(const std::string& text);
    void readPostProcessor(const nlohmann::json& processor, const std::string& where, int depth);
    void readDecoder(const nlohmann::json& decoder, const std::string& where, int depth);
    void encodeSegment(std::string_view segment, std::vector<int64_t>& ids) const;

    std::unique_ptr<bpe::BpeModel> m_model;
    std::unique_ptr<bpe::PreTokenizer> m_preTokenizer;
    std::unique_ptr<bpe::AddedTokens> m_added;
    std::vector<int32_t> m_tokenIndex; // id -> index into m_tokenBytes, -1 when unassigned
    std::vector<std::string> m_tokenBytes;
    std::vector<int64_t> m_templateBefore, m_templateAfter;
};

} // namespace mergelab
