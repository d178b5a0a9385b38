// ExpertMergeSpec: its checks and the router policy.
#include "moe/expert_merge_spec.h"

#include "common/error.h"

namespace mergelab {

ExpertGrouping parseExpertGrouping(const std::string& text)
{
    if (text == "weights")
        return ExpertGrouping::Weights;
    if (text == "outputs")
        return ExpertGrouping::Outputs;
    if (text == "random")
        return ExpertGrouping::Random;
    throw InputError("grouping \"" + text + "\" is unknown (expected weights, outputs or random)");
}

const char* expertGroupingName(ExpertGrouping grouping)
{
    switch (grouping) {
    case ExpertGrouping::Weights:
        return "weights";
    case ExpertGrouping::Outputs:
        return "outputs";
    case ExpertGrouping::Random:
        return "random";
    }
    return "?";
}

void ExpertMergeSpec::validate() const
{
    const bool hasData = !calibrationData.empty();
    if (by == ExpertGrouping::Random && targetExperts == 0)
        throw InputError("--by random is a baseline for --merge-to K");
    if (dropLeastUsed && (targetExperts == 0 || !hasData))
        throw InputError(
            "--drop-least-used needs --merge-to K and --data (usage is measured by routing calibration data)");
    if (dropLeastUsed && by == ExpertGrouping::Random)
        throw InputError("--drop-least-used and --by random are different baselines; choose one");
    if (by == ExpertGrouping::Outputs && !hasData)
        throw InputError(
            "--by outputs needs calibration images or text: give --data DATASET.h5 (MoE ViT) or --data TEXT.txt "
            "(MoE language models)");
    if (targetExperts > 0 && output.empty())
        throw InputError("--merge-to needs -o OUT");
    if (targetExperts == 0 && !output.empty())
        throw InputError("-o is for --merge-to K");
    if (targetExperts < 0)
        throw InputError("--merge-to " + std::to_string(targetExperts) + " is out of range (expected 1..experts)");
    if (calibrationImages < 1)
        throw InputError("--calibration " + std::to_string(calibrationImages) + ": expected at least one image");
    if (calibrationTokens < 2)
        throw InputError("--calibration-tokens " + std::to_string(calibrationTokens) + ": expected at least 2");
    if (calibrationContext < 2)
        throw InputError("--context " + std::to_string(calibrationContext) + ": expected at least 2 tokens");
    if (!(threshold >= 0 && threshold <= 1))
        throw InputError("--threshold " + std::to_string(threshold) + " is outside [0, 1]");
    if (input.empty())
        throw InputError("no MoE checkpoint given");
}

RouterRule ExpertMergeSpec::routerRule() const
{
    if (dropLeastUsed)
        return RouterRule::Mean;
    if (router)
        return *router;
    return calibrationData.empty() ? RouterRule::Mean : RouterRule::LseFit;
}

} // namespace mergelab
