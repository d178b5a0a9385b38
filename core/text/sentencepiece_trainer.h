// Training a SentencePiece tokenizer (Debian's libsentencepiece_train) the way Llama's
// tokenizer.model is laid out: BPE, unk 0 / BOS 1 / EOS 2, identity normalisation, digits split,
// bytes as fallback for characters outside the vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

struct SentencePieceTrainOptions {
    int64_t vocabSize = 1024;
    bool byteFallback = true; // 256 byte pieces: nothing is ever <unk>
    int64_t maxSentenceLength = 8192;
};

// The serialized model (the bytes of a tokenizer.model) trained on `sentences` (one line each).
// Deterministic for the same input. Throws InputError with the library's message when training fails
// (too small a vocabulary for the text's characters, no text).
std::string trainSentencePiece(const std::vector<std::string>& sentences, const SentencePieceTrainOptions& options);

} // namespace mergelab
