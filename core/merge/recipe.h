#pragma once

#include "common/dtype.h"
#include "merge/param_setting.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mergelab {

// One fine-tuned input of a recipe and its per-model parameters (mergekit "models[].parameters").
struct RecipeModel {
    std::string path; // absolute after loading a recipe file; may be empty when sources are given in memory
    std::map<std::string, ParamSetting> params;
};

// Parameters that apply to tensors whose name matches `filter` (substring, or "re:<regex>").
struct ParamOverride {
    std::string filter;
    std::map<std::string, ParamSetting> params;
};

// One task of a recipe's `data` section given without a project: the dataset and frozen head of
// the model at the same position in `models`.
struct RecipeDataTask {
    std::string name;       // default: "task<i>"
    std::string dataset;    // HDF5 dataset (docs/formats.md, "Datasets"); absolute after loading
    std::string head;       // checkpoint holding the head; absolute after loading
    std::string headTensor; // weight [classes, features]
    std::string headBias;   // optional bias
    bool normalize = false; // L2-normalise the embedding before the head (CLIP style)
};

// The `data` section of the merges that learn from data (fisher, regmean, adamerging,
// adamerging-layerwise, wemoe; docs/recipes.md): where inputs come from and the training knobs.
// Negative numbers / empty strings mean "the method's default".
struct RecipeData {
    std::string project; // *.mergelab.json: architecture, heads, datasets (and base/models when the recipe has none)
    std::string config;  // without a project: the clip_vit config.json ...
    std::vector<RecipeDataTask> tasks; // ... and one task per model, in model order
    std::string split;                 // dataset split the method reads
    int64_t samples = -1;              // inputs per task
    int64_t steps = -1;                // training steps (adamerging, wemoe)
    double learningRate = -1;          // Adam learning rate
    int64_t batch = -1;                // inputs per task and step
    std::optional<uint64_t> seed;      // default: the recipe's seed
};

// What to merge and how: MergeLab's recipe (docs/recipes.md). Also built from mergekit YAML.
struct Recipe {
    std::string method;                         // registry name: "ties", "slerp", ...
    std::string base;                           // base checkpoint path; empty when the method needs none
    std::vector<RecipeModel> models;            // fine-tuned inputs, in order
    std::map<std::string, ParamSetting> params; // global parameters
    std::vector<ParamOverride> overrides;       // first matching override wins over `params`
    std::optional<DType> outDtype;              // default: each tensor keeps the base's dtype
    uint64_t shardSize = 5ull * 1000 * 1000 * 1000;
    uint64_t seed = 0;                      // random methods (dare_*): see docs/recipes.md
    std::vector<std::string> layerPatterns; // empty: LayerIndexParser defaults
    std::optional<RecipeData> data;         // merges that learn from data only
};

// Loads a recipe file: MergeLab JSON (.json) or mergekit YAML (.yml/.yaml). Relative paths are
// resolved against the recipe's folder. Throws InputError/FormatError naming the file and key.
Recipe loadRecipe(const std::string& path);
// MergeLab JSON; relative paths resolved against baseDir (empty: left as written).
Recipe recipeFromJson(const nlohmann::json& json, const std::string& baseDir);
// The mergekit YAML subset (merge_method, base_model, models, parameters, dtype, out_dtype).
Recipe recipeFromMergekitYaml(const std::string& text, const std::string& baseDir);
// Canonical JSON (stored in outputs' metadata and mergelab_recipe.json). Same merge, same text.
nlohmann::json recipeToJson(const Recipe& recipe);
std::string recipeToJsonText(const Recipe& recipe);

// Checks the method exists, model count and every parameter name against the method's ParamDefs.
// Throws InputError naming the unknown method or parameter.
void validateRecipe(const Recipe& recipe);

// Resolves a path written in a recipe against the recipe's folder (absolute, lexically normal).
std::string resolveRecipePath(const std::string& path, const std::string& baseDir);

} // namespace mergelab
