// Completing a prompt with a language model: the text the CLI's `generate` prints and the window's
// Generate panel shows, from one code path.
#pragma once

#include "eval/lm_eval.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

class CancelToken;
class CausalLm;
class Tokenizer;

struct LmCompletion {
    std::string model;
    std::vector<int64_t> promptIds;
    std::vector<int64_t> ids; // the new tokens, the stop token included when one ended generation
    std::string text;         // the new tokens decoded, without the stop token
};

// Continues `prompt` (tokenized as Tokenizer::encodePrompt: BOS first when the folder says so,
// never EOS) with generateTokens: greedy at temperature 0, seeded sampling above. Generation stops at
// the model's EOS ids (config.json) and the tokenizer's EOS, added to options.stopIds. Throws
// InputError for a prompt without tokens, CancelledError (checked per token) when cancelled.
LmCompletion completePrompt(const CausalLm& model, const Tokenizer& tokenizer, const std::string& prompt,
                            GenerateOptions options, const CancelToken& cancel);

} // namespace mergelab
