// mergekit YAML recipes (the subset MergeLab supports) -> Recipe. Keys outside the subset are
// refused by name rather than silently ignored.
#include "merge/recipe.h"

#include "common/error.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace mergelab {

using nlohmann::json;

namespace {

// YAML scalars carry no type: booleans and numbers are recognised as YAML 1.1 (PyYAML) does.
json scalarToJson(const YAML::Node& node)
{
    const std::string s = node.Scalar();
    if (node.Tag() != "!") { // unquoted
        if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on")
            return true;
        if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off")
            return false;
        if (s == "null" || s == "~" || s.empty())
            return nullptr;
        try {
            std::size_t used = 0;
            const double d = std::stod(s, &used);
            if (used == s.size())
                return d;
        } catch (const std::exception&) {}
    }
    return s;
}

json toJson(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return nullptr;
    case YAML::NodeType::Scalar:
        return scalarToJson(node);
    case YAML::NodeType::Sequence: {
        json list = json::array();
        for (const YAML::Node& e : node)
            list.push_back(toJson(e));
        return list;
    }
    case YAML::NodeType::Map: {
        json obj = json::object();
        for (const auto& kv : node)
            obj[kv.first.as<std::string>()] = toJson(kv.second);
        return obj;
    }
    }
    return nullptr;
}

std::map<std::string, ParamSetting> paramsFromYaml(const YAML::Node& node, const std::string& where)
{
    if (!node.IsMap())
        throw InputError("mergekit key '" + where + "' must be a mapping of parameter: value");
    std::map<std::string, ParamSetting> out;
    for (const auto& kv : node) {
        const std::string name = kv.first.as<std::string>();
        const json value = toJson(kv.second);
        if (value.is_null())
            continue; // mergekit treats an empty value as unset
        out[name] = ParamSetting::fromJson(value, name);
    }
    return out;
}

DType dtypeFromYaml(const YAML::Node& node, const std::string& key)
{
    const std::string name = node.as<std::string>();
    const auto t = parseUserDType(name);
    if (!t)
        throw InputError("mergekit key '" + key + "': unknown dtype '" + name + "'");
    return *t;
}

} // namespace

Recipe recipeFromMergekitYaml(const std::string& text, const std::string& baseDir)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw FormatError(std::string("invalid YAML: ") + e.what());
    }
    if (!root.IsMap())
        throw InputError("a mergekit recipe must be a YAML mapping");
    Recipe r;
    std::string baseModel;
    std::optional<DType> dtype, outDtype;
    YAML::Node models;
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        try {
            if (key == "merge_method")
                r.method = v.as<std::string>();
            else if (key == "base_model")
                baseModel = v.IsNull() ? std::string() : v.as<std::string>();
            else if (key == "models")
                models = v;
            else if (key == "parameters")
                r.params = paramsFromYaml(v, key);
            else if (key == "dtype")
                dtype = dtypeFromYaml(v, key);
            else if (key == "out_dtype")
                outDtype = dtypeFromYaml(v, key);
            else
                throw InputError("unsupported mergekit key '" + key +
                                 "' (supported: merge_method, base_model, models, parameters, dtype, out_dtype)");
        } catch (const YAML::Exception& e) {
            throw InputError("mergekit key '" + key + "': " + e.what());
        }
    }
    if (r.method.empty())
        throw InputError("mergekit key 'merge_method' is missing");
    r.base = resolveRecipePath(baseModel, baseDir);
    // mergekit computes in `dtype` and writes `out_dtype` (default: dtype); MergeLab always computes
    // in float32, so the output dtype is out_dtype, else dtype.
    r.outDtype = outDtype ? outDtype : dtype;
    if (models && !models.IsNull()) {
        if (!models.IsSequence())
            throw InputError("mergekit key 'models' must be a list");
        for (const YAML::Node& m : models) {
            if (!m.IsMap())
                throw InputError("mergekit key 'models' must list {model, parameters} entries");
            RecipeModel model;
            for (const auto& kv : m) {
                const std::string key = kv.first.as<std::string>();
                if (key == "model")
                    model.path = resolveRecipePath(kv.second.as<std::string>(), baseDir);
                else if (key == "parameters")
                    model.params = kv.second.IsNull() ? std::map<std::string, ParamSetting>{}
                                                      : paramsFromYaml(kv.second, "models[].parameters");
                else
                    throw InputError("unsupported mergekit key 'models[]." + key + "'");
            }
            if (model.path.empty())
                throw InputError("mergekit key 'models[].model' is missing");
            // mergekit lists the base among the models; except for linear (which averages every
            // listed model) it is the base, not a fine-tuned input.
            if (r.method != "linear" && !r.base.empty() && model.path == r.base)
                continue;
            r.models.push_back(std::move(model));
        }
    }
    return r;
}

} // namespace mergelab
