#include "eval/lm_eval.h"

#include "common/error.h"
#include "io/json_file.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace mergelab {

namespace {

// Rows of hidden states turned into logits at once: bounds [rows, vocab] float32 (a 152k vocabulary
// at 512 rows is 311 MB).
constexpr int64_t kLogitRows = 512;

at::Tensor idsTensor(const int64_t* ids, int64_t n)
{
    return at::from_blob(const_cast<int64_t*>(ids), {1, n}, at::kLong).clone();
}

} // namespace

double NllTotal::mean() const
{
    return tokens > 0 ? nll / static_cast<double>(tokens) : std::numeric_limits<double>::quiet_NaN();
}

std::vector<int64_t> textFileTokens(const std::string& path, const Tokenizer& tokenizer, const std::string& what,
                                    int64_t limit)
{
    const std::string text = readTextFile(path, what);
    if (text.empty())
        throw InputError(path, {}, "the " + what + " is empty");
    std::vector<int64_t> ids = tokenizer.encodeForModel(text);
    if (ids.size() < 2)
        throw InputError(path, {}, "the " + what + " has fewer than 2 tokens");
    if (limit >= 0 && static_cast<int64_t>(ids.size()) > limit)
        ids.resize(static_cast<std::size_t>(std::max<int64_t>(limit, 2)));
    return ids;
}

int64_t defaultContext(const CausalLm& model)
{
    return std::min<int64_t>(model.config().maxPositions, 2048);
}

NllTotal windowedNll(const CausalLm& model, const std::vector<int64_t>& ids, int64_t context,
                     const std::function<void(int64_t, int64_t)>& progress)
{
    if (context < 2)
        throw InputError("context must be at least 2 tokens (got " + std::to_string(context) + ")");
    const int64_t total = static_cast<int64_t>(ids.size());
    const int64_t windows = (total + context - 1) / context;
    const at::Tensor head = model.outputWeight();
    NllTotal out;
    for (int64_t w = 0; w < windows; ++w) {
        const int64_t begin = w * context, n = std::min(context, total - begin);
        if (n >= 2) {
            at::Tensor window = idsTensor(ids.data() + begin, n);
            at::Tensor hidden = model.hiddenStates(window)[0];
            for (int64_t r = 0; r < n - 1; r += kLogitRows) {
                const int64_t rows = std::min(kLogitRows, n - 1 - r);
                at::Tensor logProbs = at::log_softmax(at::linear(hidden.narrow(0, r, rows), head), -1);
                at::Tensor targets = window[0].narrow(0, r + 1, rows).unsqueeze(1);
                out.nll -= logProbs.gather(1, targets).sum().to(at::kDouble).item<double>();
            }
            out.tokens += n - 1;
        }
        if (progress)
            progress(w + 1, windows);
    }
    return out;
}

double continuationLogLikelihood(const CausalLm& model, const std::vector<int64_t>& context,
                                 const std::vector<int64_t>& continuation)
{
    if (context.empty() || continuation.empty())
        throw InputError("a choice needs a context and a continuation of at least one token each");
    std::vector<int64_t> ids = context;
    ids.insert(ids.end(), continuation.begin(), continuation.end());
    ids.pop_back(); // the last token is only predicted
    // Keep the end when the whole is longer than the model's context (lm-eval truncates on the left).
    const int64_t limit = defaultContext(model);
    const int64_t drop = std::max<int64_t>(0, static_cast<int64_t>(ids.size()) - limit);
    const int64_t n = static_cast<int64_t>(ids.size()) - drop;
    // A continuation longer than the context is scored on the tokens the window can predict (its end).
    const int64_t m = std::min<int64_t>(static_cast<int64_t>(continuation.size()), n);
    at::Tensor hidden = model.hiddenStates(idsTensor(ids.data() + drop, n))[0].narrow(0, n - m, m);
    at::Tensor logProbs = at::log_softmax(model.logits(hidden), -1);
    at::Tensor targets =
        at::tensor(std::vector<int64_t>(continuation.end() - m, continuation.end()), at::kLong).unsqueeze(1);
    return logProbs.gather(1, targets).sum().to(at::kDouble).item<double>();
}

std::vector<int64_t> generateTokens(const CausalLm& model, const std::vector<int64_t>& prompt,
                                    const GenerateOptions& options, const std::function<void(int64_t)>& onToken)
{
    if (prompt.empty())
        throw InputError("the prompt has no tokens");
    if (options.maxNewTokens < 0)
        throw InputError("max new tokens must be 0 or more");
    if (!(options.temperature >= 0) || !std::isfinite(options.temperature))
        throw InputError("temperature must be 0 or a positive number");
    std::mt19937_64 rng(options.seed);
    KvCache cache;
    std::vector<int64_t> out;
    at::Tensor next = idsTensor(prompt.data(), static_cast<int64_t>(prompt.size()));
    for (int64_t step = 0; step < options.maxNewTokens; ++step) {
        at::Tensor hidden = model.hiddenStates(next, &cache);
        at::Tensor logits = model.logits(hidden[0][-1]).to(at::kDouble);
        int64_t token = 0;
        if (options.temperature == 0) {
            token = logits.argmax().item<int64_t>();
        } else {
            // Inverse-CDF sampling with our own uniform draw, so a seed gives the same tokens on
            // every LibTorch version.
            at::Tensor probs = at::softmax(logits / options.temperature, -1).contiguous();
            const double* p = probs.data_ptr<double>();
            const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
            double sum = 0;
            token = probs.size(0) - 1;
            for (int64_t i = 0; i < probs.size(0); ++i) {
                sum += p[i];
                if (u < sum) {
                    token = i;
                    break;
                }
            }
        }
        out.push_back(token);
        if (onToken)
            onToken(token);
        if (std::find(options.stopIds.begin(), options.stopIds.end(), token) != options.stopIds.end())
            break;
        next = at::full({1, 1}, token, at::kLong);
    }
    return out;
}

} // namespace mergelab
