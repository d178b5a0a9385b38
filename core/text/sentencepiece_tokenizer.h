// SentencePiece models (tokenizer.model of Llama 2, Mistral, TinyLlama, our LM demo set) through
// Debian's libsentencepiece (loaded as a module: text/sentencepiece_library.h).
#pragma once

#include "text/tokenizer.h"

struct MlspProcessor;

namespace mergelab {

class SentencePieceTokenizer : public Tokenizer {
public:
    // Throws IoError / FormatError naming `path` when it cannot be read or is not a SentencePiece model.
    explicit SentencePieceTokenizer(const std::string& path);
    ~SentencePieceTokenizer() override;
    SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
    SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

    std::vector<int64_t> encode(const std::string& text) const override;
    std::string decode(const std::vector<int64_t>& ids) const override;
    int64_t vocabSize() const override;

private:
    MlspProcessor* m_processor = nullptr;
    int64_t m_pieces = 0;
};

} // namespace mergelab
