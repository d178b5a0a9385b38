// BtxSpec: its checks.
#include "moe/btx_spec.h"

#include "common/error.h"

namespace mergelab {

BtxRouterInit parseBtxRouterInit(const std::string& text)
{
    if (text == "random")
        return BtxRouterInit::Random;
    if (text == "hidden")
        return BtxRouterInit::Hidden;
    throw InputError("router initialisation \"" + text + "\" is unknown (expected random or hidden)");
}

const char* btxRouterInitName(BtxRouterInit init)
{
    return init == BtxRouterInit::Hidden ? "hidden" : "random";
}

void BtxSpec::validate() const
{
    if (finetuneRouters && finetune.steps < 0)
        throw InputError("--finetune-router " + std::to_string(finetune.steps) + ": expected a number of steps >= 0");
    if (finetuneRouters && data.empty())
        throw InputError("--finetune-router needs --data PROJECT (the tasks' training data)");
    if (router == BtxRouterInit::Hidden && data.empty())
        throw InputError("--router hidden needs --data PROJECT (each expert's task images or text)");
    if (calibrationTokens < 2)
        throw InputError("--calibration-tokens " + std::to_string(calibrationTokens) + ": expected at least 2 tokens");
    if (finetuneRouters && finetune.context < 1)
        throw InputError("--context " + std::to_string(finetune.context) + ": expected at least 1 token");
    if (calibrationImages < 1)
        throw InputError("--calibration " + std::to_string(calibrationImages) + ": expected at least one image");
    if (base.empty() || experts.empty())
        throw InputError("BTX needs a base and at least one expert");
    if (output.empty())
        throw InputError("BTX needs an output folder (-o)");
}

} // namespace mergelab
