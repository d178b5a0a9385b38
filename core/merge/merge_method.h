// core/merge: merge methods behind one interface, a registry, recipes and the streaming engine.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// One parameter a method accepts, with what the GUI's parameter editor and the validators need.
struct ParamDef {
    std::string name;        // "density", "weight", "lambda", "t", "normalize", "gamma", "epsilon", ...
    double defaultValue = 0; // also for booleans (0/1)
    double minValue = 0;     // inclusive unless minExclusive
    double maxValue = 1;
    bool minExclusive = false;
    bool perModel = false; // may differ per fine-tuned model (mergekit "models[].parameters")
    bool boolean = false;
    bool integer = false;
    std::string help; // one line
};

// Parameter values resolved for one tensor (gradients interpolated, filters applied).
struct TensorParams {
    std::map<std::string, double> global;
    std::vector<std::map<std::string, double>> perModel; // aligned with the models passed to merge()

    // Global value, or fallback when unset.
    double get(const std::string& name, double fallback) const;
    // Per-model value; falls back to the global value, then to fallback.
    double model(std::size_t index, const std::string& name, double fallback) const;
};

// A merge rule applied to one tensor at a time (the engine streams tensors through it).
class MergeMethod {
public:
    virtual ~MergeMethod() = default;
    virtual std::string name() const = 0;        // mergekit's name: "ties", "dare_linear", ...
    virtual std::string description() const = 0; // one line for --help and the GUI
    virtual std::vector<ParamDef> params() const = 0;
    virtual bool needsBase() const { return true; }
    virtual int minModels() const { return 1; }
    virtual int maxModels() const { return -1; } // -1: no limit
    // Throws InputError naming the parameter when a value is out of range or the model count is wrong.
    virtual void validate(const TensorParams& params, int modelCount) const;
    // base: the base tensor (undefined when needsBase() is false and no base was given); models: the
    // fine-tuned tensors. All float32, same shape, on CPU. Returns the merged float32 tensor.
    // tensorName and params.global["seed"] make random methods deterministic.
    // The models' tensors are the caller's private copies: a method may overwrite them (it saves
    // memory); the base is only read. Pass clones when you need the inputs afterwards.
    virtual at::Tensor merge(const std::string& tensorName, const at::Tensor& base,
                             const std::vector<at::Tensor>& models, const TensorParams& params) const = 0;
};

// Registry: every built-in method is registered on first use.
const MergeMethod* findMethod(const std::string& name); // nullptr when unknown
std::vector<const MergeMethod*> allMethods();           // sorted by name
void registerMethod(std::unique_ptr<MergeMethod> method);

} // namespace mergelab
