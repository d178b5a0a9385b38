// One learned merge as every front end asks for it (a recipe's `data` section, learn-merge flags,
// the Learn page): the method and its parameters, whose defaults and ranges are defined once here
// (dataMergeParams) and checked once (DataMergeSpec::validate). DataMergeJob runs a spec.
#pragma once

#include "merge/merge_method.h" // ParamDef

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mergelab {

enum class DataMergeMethod { Fisher, RegMean, AdaMergingTaskWise, AdaMergingLayerWise, WeMoe };

// "fisher", "regmean", "adamerging" (task-wise), "adamerging-layerwise", "wemoe"; nullopt otherwise.
std::optional<DataMergeMethod> parseDataMergeMethod(const std::string& name);
std::string dataMergeMethodName(DataMergeMethod method);
// Every method, in menu order.
std::vector<DataMergeMethod> allDataMergeMethods();
// Split the method reads by default: "train" for Fisher / RegMean, "test" (unlabeled) for the
// test-time adaptation methods.
std::string defaultDataSplit(DataMergeMethod method);

// The parameters `method` uses, each with that method's default and its range: samples, steps, lr,
// batch, seed, alpha, lambda, epsilon, fisher_argmax, router_hidden. Defaults come from the
// methods' own option structs, so this table and the algorithms cannot disagree.
std::vector<ParamDef> dataMergeParams(DataMergeMethod method);
// The parameter `name` of `method`; nullopt when the method does not use it.
std::optional<ParamDef> findDataMergeParam(DataMergeMethod method, const std::string& name);
// Every parameter name some learned merge uses, in table order.
std::vector<std::string> dataMergeParamNames();
// One line for --help: the parameter's help and its default per method ("default: 100 adamerging,
// 1000 wemoe"), from the table.
std::string dataMergeParamHelp(const std::string& name);

// What a learned merge is asked to do. Unset parameters take the method's default.
struct DataMergeSpec {
    DataMergeMethod method = DataMergeMethod::AdaMergingTaskWise;
    std::string split;                    // dataset split the method reads ("": defaultDataSplit)
    std::map<std::string, double> values; // parameters the user set (names of dataMergeParamNames())
    // Where to write: a .safetensors file (WEMoE: a folder with wemoe.json + model.safetensors).
    // Empty: keep the result in memory only.
    std::string output;
    int workers = 0; // tasks computed side by side (0: one per core); does not change the result
    // Monitoring (the Learn page's chart), not the result: accuracy on `validationSamples` inputs
    // per task of the "val" split every `validateEvery` steps (0: never).
    int64_t validateEvery = 0;
    int64_t validationSamples = 200;

    // Throws InputError naming the field: an unknown parameter, a value out of its range, a
    // fraction where an integer is expected. Parameters the method does not use are ignored.
    void validate() const;
    // The value of `name`: the set one, else the method's default (0 when the method has none).
    double value(const std::string& name) const;
    // The split read and the inputs per task loaded (-1: all).
    std::string resolvedSplit() const;
    int64_t samplesPerTask() const;
    // The spec with every default filled in, as JSON text: {"method", "split", <each parameter the
    // method uses>}. Two front ends asking for the same merge give the same text.
    std::string resolvedJson() const;
};

// A spec for the method called `name`; throws InputError listing the methods otherwise.
DataMergeSpec dataMergeSpecFor(const std::string& name);

} // namespace mergelab
