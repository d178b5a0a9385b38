// Recipes whose method learns from data (fisher, regmean, adamerging, adamerging-layerwise, wemoe):
// the recipe's `data` section turned into a project, DataMergeInputs and a DataMergeRequest
// (mergelab-cli merge RECIPE; docs/recipes.md, "Merges that learn from data").
#pragma once

#include "datamerge/data_merge_job.h"
#include "io/model_set.h"
#include "merge/recipe.h"

namespace mergelab {

// True when the recipe's method is one of the data-driven merges.
bool isDataMergeRecipe(const Recipe& recipe);

// Checks method, `data` section and parameters (alpha, lambda, epsilon, router_hidden,
// fisher_argmax); throws InputError naming the problem.
void validateDataMergeRecipe(const Recipe& recipe);

// The project the merge runs on: data.project (its base and fine-tunes replaced by the recipe's
// when given, models paired with the project's tasks in order), or config + one task per model.
ModelSet dataMergeProject(const Recipe& recipe);

// Method options from the recipe (defaults where the recipe says nothing); `output` as in DataMergeRequest.
DataMergeRequest dataMergeRequest(const Recipe& recipe, const std::string& output);

// The split the recipe's method reads and the samples per task to load (-1: all).
std::string dataMergeSplit(const Recipe& recipe);
int64_t dataMergeSamples(const Recipe& recipe);

} // namespace mergelab
