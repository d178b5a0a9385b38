// One Branch-Train-MiX run as a front end asks for it (mergelab-cli btx): inputs, how the MoE is
// assembled, how its routers are set (random, hidden states, fine-tuning) and the output; checked
// once here and run by BtxJob (btx_job.h).
#pragma once

#include "moe/btx.h"
#include "moe/router_finetune.h"

#include <string>
#include <vector>

namespace mergelab {

// Where the routers start: small random rows, or each expert's mean hidden state on its task.
enum class BtxRouterInit { Random, Hidden };

// "random" | "hidden"; throws InputError otherwise.
BtxRouterInit parseBtxRouterInit(const std::string& text);
const char* btxRouterInitName(BtxRouterInit init);

struct BtxSpec {
    std::string base;                 // the seed (base) checkpoint
    std::vector<std::string> experts; // one fine-tune per expert
    std::string output;               // output folder
    BtxOptions options;               // top-k, base as expert, random router, config.json
    BtxRouterInit router = BtxRouterInit::Random;
    std::string data;                 // project with each expert's task (hidden routers, fine-tuning)
    int64_t calibrationImages = 64;   // images per task for hidden routers (ViT)
    int64_t calibrationTokens = 8192; // tokens per task for hidden routers (LM)
    int64_t trainTokens = -1;         // tokens read per task for LM router fine-tuning (< 0: all)
    double hiddenLogitStd = 2.0;      // hidden routers' logit spread on the calibration tokens
    RouterFinetuneOptions finetune;   // router fine-tuning on the tasks' train split
    bool finetuneRouters = false;     // run it (finetune.steps steps)
    int64_t trainLimit = 2048;        // train images read per task for fine-tuning

    // Checks what can be checked without opening a file; throws InputError naming the option.
    void validate() const;
    // Whether the routers are set from data (needs a forward pass, the ViT's or the LM's, and `data`).
    bool routersFromData() const { return router == BtxRouterInit::Hidden || finetuneRouters; }
};

} // namespace mergelab
