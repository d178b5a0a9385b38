// Recipes whose method learns from data (fisher, regmean, adamerging, adamerging-layerwise, wemoe):
// the recipe's `data` section turned into a project and a DataMergeSpec (mergelab-cli merge RECIPE;
// docs/recipes.md, "Merges that learn from data").
#pragma once

#include "datamerge/data_merge_job.h"
#include "io/model_set.h"
#include "merge/recipe.h"

namespace mergelab {

// True when the recipe's method is one of the data-driven merges.
bool isDataMergeRecipe(const Recipe& recipe);

// Checks method, `data` section and parameters (through DataMergeSpec::validate); throws
// InputError naming the problem.
void validateDataMergeRecipe(const Recipe& recipe);

// The project the merge runs on: data.project (its base and fine-tunes replaced by the recipe's
// when given, models paired with the project's tasks in order), or config + one task per model.
ModelSet dataMergeProject(const Recipe& recipe);

// The spec the recipe asks for: its parameters and `data` knobs (unset ones take the method's
// defaults in the spec); `output` as in DataMergeSpec.
DataMergeSpec dataMergeSpec(const Recipe& recipe, const std::string& output);

} // namespace mergelab
