// Evaluating and running language models (core/models/causal_lm.h): next-token negative
// log-likelihood over a long text cut into windows, and generation with a KV cache.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mergelab {

class CausalLm;
class Tokenizer;

// Summed negative log-likelihood (natural log) over `tokens` predicted tokens.
struct NllTotal {
    int64_t tokens = 0;
    double nll = 0.0;
    double mean() const; // NaN when no token was predicted
};

// The context a model is evaluated with by default: max_position_embeddings, capped at 2048.
int64_t defaultContext(const CausalLm& model);

// `ids` cut into consecutive windows of at most `context` tokens; each window is run on its own from
// position 0 and every token after its first is predicted. Computed in float32, summed in double.
// `progress(doneWindows, windows)` after each window (optional).
NllTotal windowedNll(const CausalLm& model, const std::vector<int64_t>& ids, int64_t context,
                     const std::function<void(int64_t, int64_t)>& progress = {});

// A text file as the model reads it: tokenized as a whole with encodeForModel (BOS first when the
// tokenizer adds it), cut to at most `limit` tokens (< 0: all). One-line errors naming the file, for an
// unreadable or empty file and for fewer than 2 tokens; `what` says whose text it is ("text of task x").
std::vector<int64_t> textFileTokens(const std::string& path, const Tokenizer& tokenizer, const std::string& what,
                                    int64_t limit = -1);

// Summed log-probability (natural log) of `continuation` following `context` (both non-empty): one
// forward over context + continuation (at most the model's context, cut on the left; a continuation
// longer than that is scored on its last tokens), as lm-eval scores a choice.
double continuationLogLikelihood(const CausalLm& model, const std::vector<int64_t>& context,
                                 const std::vector<int64_t>& continuation);

struct GenerateOptions {
    int64_t maxNewTokens = 64;
    double temperature = 0.0;     // 0: greedy (argmax)
    uint64_t seed = 0;            // sampling only; the same seed gives the same tokens
    std::vector<int64_t> stopIds; // generation ends after producing one of these
};

// Continues `prompt` (non-empty) with at most maxNewTokens tokens, one forward per new token over the
// KV cache. Returns the new tokens only. `onToken` sees each as it is chosen (optional).
std::vector<int64_t> generateTokens(const CausalLm& model, const std::vector<int64_t>& prompt,
                                    const GenerateOptions& options, const std::function<void(int64_t)>& onToken = {});

} // namespace mergelab
