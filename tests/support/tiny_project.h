// tests/support: a tiny clip_vit project for mergeability, CLI and GUI tests: two 3-class tasks "a"
// and "b" (8x8 images whose class is the brightest of three image bands, so fine-tuning has
// something to learn), cosine heads, a random base and two fine-tunes (base + small noise).
#pragma once

#include "tensor_files.h"

#include "io/dataset.h"
#include "models/clip_vit.h"

#include <ATen/ATen.h>

#include <fstream>
#include <map>
#include <string>

namespace tinyproject {

using testsupport::writeTensors;

// n images whose class c in {0,1,2} = the band (rows 0-2, 3-5, 6-7) made brighter; `offset` varies per task.
inline mergelab::LabeledImages bands(int64_t n, int64_t offset, at::Generator gen)
{
    at::Tensor labels = at::randint(0, 3, {n}, gen, at::kLong);
    at::Tensor images = at::randint(0, 100, {n, 1, 8, 8}, gen, at::kLong);
    for (int64_t i = 0; i < n; ++i) {
        const int64_t c = labels[i].item<int64_t>();
        const int64_t r0 = (c * 3 + offset) % 8;
        images[i][0].slice(0, r0, std::min<int64_t>(8, r0 + 3)).add_(150);
    }
    return {images.to(at::kByte), labels};
}

// Writes the project into dir; returns its path.
inline std::string writeProject(const std::string& dir, uint64_t seed = 1)
{
    const char* config = R"({"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
        "num_attention_heads": 2, "image_size": 8, "patch_size": 4, "num_channels": 1, "projection_dim": 8})";
    std::ofstream(dir + "/config.json") << config;
    at::manual_seed(seed);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    mergelab::ClipVitBackbone vit(mergelab::ClipVisionConfig::fromJson(config, "config.json"));
    std::map<std::string, at::Tensor> base;
    for (const auto& [name, t] : vit.parameters())
        base[name] = t.detach().clone();
    writeTensors(dir + "/base.safetensors", base);
    std::map<std::string, at::Tensor> heads;
    for (const char* task : {"a", "b"}) {
        const at::Tensor h = at::randn({3, 8}, gen);
        heads[std::string(task) + ".weight"] = 20.0 * h / h.norm(2, -1, true);
        std::map<std::string, at::Tensor> ft;
        for (const auto& [name, t] : base)
            ft[name] = t + 0.02 * at::randn(t.sizes(), gen);
        writeTensors(dir + "/" + task + ".safetensors", ft);
        std::map<std::string, mergelab::LabeledImages> splits;
        const int64_t offset = task[0] == 'a' ? 0 : 1;
        splits["train"] = bands(96, offset, gen);
        splits["val"] = bands(40, offset, gen);
        splits["test"] = bands(40, offset, gen);
        mergelab::writeDataset(dir + "/" + task + ".h5", task, {"x", "y", "z"}, splits, {0.5}, {0.5});
    }
    writeTensors(dir + "/heads.safetensors", heads);
    std::ofstream(dir + "/tiny.mergelab.json") << R"({"format": "mergelab-project", "version": 1, "name": "tiny",
        "base": {"name": "base", "path": "base.safetensors"},
        "models": [{"name": "a", "path": "a.safetensors", "color": "#1f77b4", "task": "a"},
                   {"name": "b", "path": "b.safetensors", "color": "#ff7f0e", "task": "b"}],
        "architecture": {"type": "clip_vit", "config": "config.json"},
        "tasks": [{"name": "a", "dataset": "a.h5", "head": "heads.safetensors", "head_tensor": "a.weight", "normalize": true},
                  {"name": "b", "dataset": "b.h5", "head": "heads.safetensors", "head_tensor": "b.weight", "normalize": true}]})";
    return dir + "/tiny.mergelab.json";
}

} // namespace tinyproject
