// A tiny random CLIP ViT set for the datamerge tests: base, T fine-tunes (base + noise), heads, inputs.
#pragma once

#include "tiny_vit.h" // tests/support

#include "datamerge/data_merge_inputs.h"
#include "models/clip_vit.h"

#include <ATen/ATen.h>

// T fine-tunes of a random base; task i has `samples` random inputs and a random 4-class head.
inline mergelab::DataMergeInputs tinyInputs(int64_t tasks, int64_t samples, uint64_t seed = 1, double noise = 0.05)
{
    at::manual_seed(seed);
    mergelab::DataMergeInputs in;
    in.config = tinyVitConfig();
    in.source = "tiny";
    mergelab::ClipVitBackbone vit(in.config);
    for (const auto& [name, t] : vit.parameters())
        in.base[name] = t.detach().clone();
    in.base["text_model.extra.weight"] = at::randn({3}); // a non-backbone tensor: averaged
    for (int64_t i = 0; i < tasks; ++i) {
        mergelab::TensorMap ft;
        for (const auto& [name, t] : in.base)
            ft[name] = t + noise * at::randn(t.sizes());
        in.finetuned.push_back(ft);
        mergelab::EvalTask task;
        task.name = "task" + std::to_string(i);
        task.head.weight = at::randn({4, in.config.projectionDim});
        task.head.bias = at::randn({4}) * 0.1;
        task.inputs = at::randn({samples, 3, in.config.imageSize, in.config.imageSize});
        task.labels = at::randint(0, 4, {samples}, at::kLong);
        in.tasks.push_back(task);
    }
    return in;
}
