#include "eval/lm_completion.h"

#include "common/error.h"
#include "jobs/job.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace mergelab {

LmCompletion completePrompt(const CausalLm& model, const Tokenizer& tokenizer, const std::string& prompt,
                            GenerateOptions options, const CancelToken& cancel)
{
    LmCompletion out;
    out.promptIds = tokenizer.encodePrompt(prompt);
    if (out.promptIds.empty())
        throw InputError("the prompt is empty");
    for (int64_t id : model.config().eosTokenIds)
        options.stopIds.push_back(id);
    if (tokenizer.eosId() >= 0)
        options.stopIds.push_back(tokenizer.eosId());
    at::NoGradGuard noGrad;
    out.ids = generateTokens(model, out.promptIds, options, [&](int64_t) { throwIfCancelled(cancel); });
    std::vector<int64_t> shown = out.ids;
    if (!shown.empty() &&
        std::find(options.stopIds.begin(), options.stopIds.end(), shown.back()) != options.stopIds.end())
        shown.pop_back();
    out.text = tokenizer.decode(shown);
    return out;
}

} // namespace mergelab
