// tests/support: a hand-checkable project for evaluator tests (eval, CLI, GUI): a tiny ViT whose
// visual_projection is zero, so every embedding is 0 and every prediction is argmax(head bias) =
// class 1. Accuracy is then the share of label 1, counted by hand from the labels below.
#pragma once

#include "tensor_files.h"

#include "io/dataset.h"
#include "io/model_set.h"
#include "models/clip_vit.h"

#include <ATen/ATen.h>

#include <fstream>
#include <map>
#include <string>

namespace evalfixture {

// test labels: 1 0 1 2 1 -> 3/5 correct (first 4: 2/4); val labels: 2 2 1 0 -> 1/4.
inline const std::vector<int64_t> kTestLabels = {1, 0, 1, 2, 1};
inline const std::vector<int64_t> kValLabels = {2, 2, 1, 0};

using testsupport::writeTensors;

// Writes config.json, base.safetensors, heads.safetensors, t.h5 and p.mergelab.json into dir;
// returns the project path.
inline std::string writeProject(const std::string& dir)
{
    const char* config = R"({"hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1,
        "num_attention_heads": 2, "image_size": 4, "patch_size": 2, "num_channels": 1, "projection_dim": 4})";
    std::ofstream(dir + "/config.json") << config;
    mergelab::ClipVitBackbone vit(mergelab::ClipVisionConfig::fromJson(config, "config.json"));
    std::map<std::string, at::Tensor> params;
    for (const auto& [name, t] : vit.parameters())
        params[name] = t.detach().clone();
    params["visual_projection.weight"].zero_();
    writeTensors(dir + "/base.safetensors", params);
    writeTensors(dir + "/heads.safetensors",
                 {{"t.weight", at::randn({3, 4})}, {"t.bias", at::tensor({0.0f, 1.0f, 0.0f})}});
    std::map<std::string, mergelab::LabeledImages> splits;
    splits["test"] = {at::randint(0, 256, {5, 1, 4, 4}).to(at::kByte), at::tensor(kTestLabels, at::kLong)};
    splits["val"] = {at::randint(0, 256, {4, 1, 4, 4}).to(at::kByte), at::tensor(kValLabels, at::kLong)};
    mergelab::writeDataset(dir + "/t.h5", "t", {"a", "b", "c"}, splits, {0.5}, {0.5});
    std::ofstream(dir + "/p.mergelab.json") << R"({"format": "mergelab-project", "version": 1, "name": "fixture",
        "base": {"name": "base", "path": "base.safetensors"},
        "models": [{"name": "m", "path": "base.safetensors", "color": "#123456", "task": "t"}],
        "architecture": {"type": "clip_vit", "config": "config.json"},
        "tasks": [{"name": "t", "dataset": "t.h5", "head": "heads.safetensors", "head_tensor": "t.weight",
                   "head_bias": "t.bias"}]})";
    return dir + "/p.mergelab.json";
}

// A project where merges matter: a random tiny ViT base, two fine-tunes (base + noise), two tasks
// (3 classes each) with random heads and labels, test and val splits of 24 samples. Writes into dir:
// config.json, base/m0/m1.safetensors, heads.safetensors, t0/t1.h5, two.mergelab.json; returns the
// project path. Deterministic for a seed.
inline std::string writeTwoModelProject(const std::string& dir, uint64_t seed = 7)
{
    at::manual_seed(seed);
    const char* config = R"({"hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2,
        "num_attention_heads": 2, "image_size": 4, "patch_size": 2, "num_channels": 1, "projection_dim": 4})";
    std::ofstream(dir + "/config.json") << config;
    mergelab::ClipVitBackbone vit(mergelab::ClipVisionConfig::fromJson(config, "config.json"));
    std::map<std::string, at::Tensor> base;
    for (const auto& [name, t] : vit.parameters())
        base[name] = t.detach().clone();
    writeTensors(dir + "/base.safetensors", base);
    for (const char* m : {"m0", "m1"}) {
        std::map<std::string, at::Tensor> model;
        for (const auto& [name, t] : base)
            model[name] = t + 0.3 * at::randn(t.sizes());
        writeTensors(dir + "/" + m + ".safetensors", model);
    }
    writeTensors(dir + "/heads.safetensors", {{"t0.weight", at::randn({3, 4})},
                                              {"t1.weight", at::randn({3, 4})},
                                              {"t0.bias", at::randn({3})},
                                              {"t1.bias", at::randn({3})}});
    for (const char* t : {"t0", "t1"}) {
        std::map<std::string, mergelab::LabeledImages> splits;
        for (const char* split : {"test", "val"})
            splits[split] = {at::randint(0, 256, {24, 1, 4, 4}).to(at::kByte), at::randint(0, 3, {24}).to(at::kLong)};
        mergelab::writeDataset(dir + "/" + t + ".h5", t, {"a", "b", "c"}, splits, {0.5}, {0.5});
    }
    std::ofstream(dir + "/two.mergelab.json") << R"({"format": "mergelab-project", "version": 1, "name": "two",
        "base": {"name": "base", "path": "base.safetensors"},
        "models": [{"name": "m0", "path": "m0.safetensors", "color": "#123456", "task": "t0"},
                   {"name": "m1", "path": "m1.safetensors", "color": "#654321", "task": "t1"}],
        "architecture": {"type": "clip_vit", "config": "config.json"},
        "tasks": [{"name": "t0", "dataset": "t0.h5", "head": "heads.safetensors", "head_tensor": "t0.weight",
                   "head_bias": "t0.bias"},
                  {"name": "t1", "dataset": "t1.h5", "head": "heads.safetensors", "head_tensor": "t1.weight",
                   "head_bias": "t1.bias", "normalize": true}]})";
    return dir + "/two.mergelab.json";
}

} // namespace evalfixture
