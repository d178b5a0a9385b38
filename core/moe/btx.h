// Branch-Train-MiX (Sukhbaatar et al. 2024), the "mix" step: the MLPs of dense fine-tunes of one seed
// model become the experts of an MoE layer, every other tensor is averaged, a router per layer is
// initialised. Llama-style checkpoints become Mixtral; the CLIP ViT becomes MergeLab's MoE ViT.
#pragma once

#include "io/checkpoint_writer.h"
#include "jobs/job.h"
#include "moe/moe_layout.h"

#include <ATen/core/Tensor.h>

#include <map>

#include <string>
#include <vector>

namespace mergelab {

// How the MoE is assembled.
struct BtxOptions {
    int topK = 2;             // experts per token, 1..experts
    bool includeBase = false; // the base model's MLP becomes expert 0 too
    double routerStd = 0.02;  // "random" router: N(0, routerStd^2) rows (Mixtral's initializer_range)
    uint64_t seed = 0;
    std::map<std::string, at::Tensor> routers;         // router name -> [E, hidden] rows replacing the random ones
    std::map<std::string, at::Tensor> expertOverrides; // expert tensor name -> trained tensor (router fine-tune)
    std::string configPath;                            // config.json to extend ("" = the one beside the base)
    WriteOptions write;
};

// What was written.
struct BtxResult {
    std::string path;
    MoeFamily family = MoeFamily::Mixtral; // Mixtral or MoeVit
    int experts = 0;
    int topK = 0;
    int layers = 0; // MoE layers written
    int64_t parameters = 0;
};

// Streams base + fine-tunes into an MoE checkpoint at `output` (a safetensors folder with config.json
// when the base has one). Every input must have the base's tensor names and shapes (InputError naming
// the file and tensor otherwise); a model with no recognised dense MLP (Llama mlp.gate_proj/up_proj/
// down_proj or CLIP mlp.fc1/fc2) is refused. Cancelling leaves nothing behind.
BtxResult branchTrainMix(const std::string& base, const std::vector<std::string>& experts, const BtxOptions& options,
                         const std::string& output, Progress& progress, const CancelToken& cancel);

} // namespace mergelab
