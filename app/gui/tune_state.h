#pragma once

#include "io/model_set.h"
#include "merge/merge_method.h"
#include "merge/recipe.h"

#include <QString>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mergelab::gui {

// One row of the Tune page's override table: `param` = `value` for tensors whose name matches
// `filter` (substring, or "re:<regex>"), the recipe's overrides rule (first match wins).
struct TuneOverride {
    std::string filter;
    std::string param;
    double value = 0;
    bool operator==(const TuneOverride& o) const { return filter == o.filter && param == o.param && value == o.value; }
};

// Everything the Tune page's merge is made of; one undo step stores two of these.
struct TuneState {
    std::string method;
    std::map<std::string, double> global;                // every non-per-model parameter
    std::vector<std::map<std::string, double>> perModel; // per task: every per-model parameter ("weight", ...)
    std::vector<TuneOverride> overrides;
    bool operator==(const TuneState& o) const
    {
        return method == o.method && global == o.global && perModel == o.perModel && overrides == o.overrides;
    }
    bool operator!=(const TuneState& o) const { return !(*this == o); }
};

// The registry's methods MergeTuner can merge live for `modelCount` fine-tunes (model count fits).
std::vector<const MergeMethod*> liveMethods(int modelCount);
// A method's defaults for `modelCount` models; numeric parameters of the same name keep their values
// from `previous` (so task coefficients survive a method change); flags take the method's default.
TuneState stateForMethod(const std::string& method, int modelCount, const TuneState* previous = nullptr);
// The method's definition of a parameter, or nullopt.
std::optional<ParamDef> findParam(const MergeMethod& method, const std::string& name);
// Empty when `value` is allowed by `def`, otherwise a one-line reason (translated).
QString paramProblem(const ParamDef& def, double value);
// Parses editor text for `def` ("0.3", "true"); sets `problem` and returns nullopt when invalid.
std::optional<double> parseParam(const ParamDef& def, const QString& text, QString* problem);
// Text an editor shows for a value.
QString formatParam(const ParamDef& def, double value);
// Empty when the state can be merged (method known, values in range, override filters and names
// valid), otherwise the first problem.
QString stateProblem(const TuneState& state);

// Parameters for every tensor when there are no overrides.
TensorParams tensorParams(const TuneState& state);
// The recipe of a state for a project: absolute paths, one recipe override per table row.
Recipe recipeFor(const TuneState& state, const ModelSet& set);

} // namespace mergelab::gui
