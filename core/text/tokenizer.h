// core/text: tokenizers of language-model folders. No torch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// Text <-> token ids as the model was trained. Thread-safe for concurrent encode/decode.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // The tokenizer of a Hugging Face model folder (or of the folder holding a weights file):
    // tokenizer.model (SentencePiece; BOS / EOS true / false as transformers' LlamaTokenizer) or else
    // tokenizer.json (byte-level BPE; BOS / EOS as its post-processor template adds them, ids named by
    // tokenizer_config.json's bos_token / eos_token). tokenizer_config.json's add_bos_token /
    // add_eos_token override either when present. One-line errors naming the file.
    static std::unique_ptr<Tokenizer> open(const std::string& path);

    // Ids of `text` alone (no BOS/EOS).
    virtual std::vector<int64_t> encode(const std::string& text) const = 0;
    virtual std::string decode(const std::vector<int64_t>& ids) const = 0;
    virtual int64_t vocabSize() const = 0;

    // What the model sees for a whole text: BOS first when the folder says so, EOS last likewise.
    std::vector<int64_t> encodeForModel(const std::string& text) const;
    // A text the model continues (a prompt, a choice's context): BOS first when the folder says so,
    // never EOS.
    std::vector<int64_t> encodePrompt(const std::string& text) const;

    int64_t bosId() const { return m_bosId; }
    int64_t eosId() const { return m_eosId; }
    bool addsBos() const { return m_addBos; }
    bool addsEos() const { return m_addEos; }
    const std::string& path() const { return m_path; }

protected:
    std::string m_path;
    int64_t m_bosId = -1;
    int64_t m_eosId = -1;
    bool m_addBos = true;
    bool m_addEos = false;
};

} // namespace mergelab
