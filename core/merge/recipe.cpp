// MergeLab's JSON recipe: parsing, canonical output and validation against the method registry.
#include "merge/recipe.h"

#include "common/error.h"
#include "io/json_file.h"
#include "merge/merge_method.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

std::string resolveRecipePath(const std::string& path, const std::string& baseDir)
{
    if (path.empty())
        return path;
    fs::path p(path);
    if (p.is_relative() && !baseDir.empty())
        p = fs::path(baseDir) / p;
    if (p.is_relative())
        p = fs::absolute(p);
    return p.lexically_normal().string();
}

namespace {

std::map<std::string, ParamSetting> paramsFromJson(const json& obj, const std::string& where)
{
    if (!obj.is_object())
        throw InputError("recipe key '" + where + "' must be an object of parameter: value");
    std::map<std::string, ParamSetting> out;
    for (auto it = obj.begin(); it != obj.end(); ++it)
        out[it.key()] = ParamSetting::fromJson(it.value(), it.key());
    return out;
}

json paramsToJson(const std::map<std::string, ParamSetting>& params)
{
    json obj = json::object();
    for (const auto& [name, setting] : params)
        obj[name] = setting.toJson();
    return obj;
}

uint64_t unsignedValue(const json& v, const std::string& key)
{
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
        throw InputError("recipe key '" + key + "' must be a non-negative integer");
    return v.get<uint64_t>();
}

std::string stringValue(const json& v, const std::string& key)
{
    if (!v.is_string())
        throw InputError("recipe key '" + key + "' must be a string");
    return v.get<std::string>();
}

void checkKeys(const json& obj, const std::set<std::string>& known, const std::string& where)
{
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (!known.count(it.key()))
            throw InputError("unsupported recipe key '" + where + it.key() + "'");
}

double numberValue(const json& v, const std::string& key)
{
    if (!v.is_number())
        throw InputError("recipe key '" + key + "' must be a number");
    return v.get<double>();
}

int64_t positiveValue(const json& v, const std::string& key)
{
    if (!v.is_number_integer() || v.get<int64_t>() < 1)
        throw InputError("recipe key '" + key + "' must be a positive integer");
    return v.get<int64_t>();
}

RecipeData dataFromJson(const json& d, const std::string& baseDir)
{
    if (!d.is_object())
        throw InputError("recipe key 'data' must be an object (project or config + tasks, split, samples, steps, lr, "
                         "batch, seed)");
    checkKeys(d, {"project", "config", "tasks", "split", "samples", "steps", "lr", "batch", "seed"}, "data.");
    RecipeData data;
    if (d.contains("project"))
        data.project = resolveRecipePath(stringValue(d["project"], "data.project"), baseDir);
    if (d.contains("config"))
        data.config = resolveRecipePath(stringValue(d["config"], "data.config"), baseDir);
    if (d.contains("tasks")) {
        if (!d["tasks"].is_array())
            throw InputError("recipe key 'data.tasks' must be a list");
        for (const json& t : d["tasks"]) {
            if (!t.is_object())
                throw InputError("recipe key 'data.tasks' must list {\"dataset\", \"head\", \"head_tensor\"} objects");
            checkKeys(t, {"name", "dataset", "head", "head_tensor", "head_bias", "normalize"}, "data.tasks[].");
            RecipeDataTask task;
            for (const char* key : {"dataset", "head", "head_tensor"})
                if (!t.contains(key))
                    throw InputError(std::string("recipe key 'data.tasks[].") + key + "' is missing");
            task.name = t.contains("name") ? stringValue(t["name"], "data.tasks[].name") : std::string();
            task.dataset = resolveRecipePath(stringValue(t["dataset"], "data.tasks[].dataset"), baseDir);
            task.head = resolveRecipePath(stringValue(t["head"], "data.tasks[].head"), baseDir);
            task.headTensor = stringValue(t["head_tensor"], "data.tasks[].head_tensor");
            if (t.contains("head_bias"))
                task.headBias = stringValue(t["head_bias"], "data.tasks[].head_bias");
            if (t.contains("normalize")) {
                if (!t["normalize"].is_boolean())
                    throw InputError("recipe key 'data.tasks[].normalize' must be true or false");
                task.normalize = t["normalize"].get<bool>();
            }
            data.tasks.push_back(std::move(task));
        }
    }
    if (data.project.empty() && data.config.empty())
        throw InputError("recipe key 'data' needs 'project', or 'config' with 'tasks'");
    if (d.contains("split"))
        data.split = stringValue(d["split"], "data.split");
    if (d.contains("samples"))
        data.samples = positiveValue(d["samples"], "data.samples");
    if (d.contains("steps")) {
        if (!d["steps"].is_number_integer() || d["steps"].get<int64_t>() < 0)
            throw InputError("recipe key 'data.steps' must be a non-negative integer");
        data.steps = d["steps"].get<int64_t>();
    }
    if (d.contains("lr")) {
        data.learningRate = numberValue(d["lr"], "data.lr");
        if (!(data.learningRate > 0))
            throw InputError("recipe key 'data.lr' must be positive");
    }
    if (d.contains("batch"))
        data.batch = positiveValue(d["batch"], "data.batch");
    if (d.contains("seed"))
        data.seed = unsignedValue(d["seed"], "data.seed");
    return data;
}

json dataToJson(const RecipeData& data)
{
    json d = json::object();
    if (!data.project.empty())
        d["project"] = data.project;
    if (!data.config.empty())
        d["config"] = data.config;
    if (!data.tasks.empty()) {
        json tasks = json::array();
        for (const RecipeDataTask& t : data.tasks) {
            json e = {
                {"dataset", t.dataset}, {"head", t.head}, {"head_tensor", t.headTensor}, {"normalize", t.normalize}};
            if (!t.name.empty())
                e["name"] = t.name;
            if (!t.headBias.empty())
                e["head_bias"] = t.headBias;
            tasks.push_back(std::move(e));
        }
        d["tasks"] = std::move(tasks);
    }
    if (!data.split.empty())
        d["split"] = data.split;
    if (data.samples > 0)
        d["samples"] = data.samples;
    if (data.steps >= 0)
        d["steps"] = data.steps;
    if (data.learningRate > 0)
        d["lr"] = data.learningRate;
    if (data.batch > 0)
        d["batch"] = data.batch;
    if (data.seed)
        d["seed"] = *data.seed;
    return d;
}

} // namespace

Recipe recipeFromJson(const json& j, const std::string& baseDir)
{
    if (!j.is_object())
        throw InputError("a recipe must be a JSON object");
    checkKeys(j,
              {"mergelab_recipe", "method", "base", "models", "parameters", "overrides", "out_dtype", "shard_size",
               "seed", "layer_patterns", "data"},
              "");
    Recipe r;
    if (!j.contains("method"))
        throw InputError("recipe key 'method' is missing");
    r.method = stringValue(j["method"], "method");
    if (j.contains("base") && !j["base"].is_null())
        r.base = resolveRecipePath(stringValue(j["base"], "base"), baseDir);
    if (j.contains("models")) {
        if (!j["models"].is_array())
            throw InputError("recipe key 'models' must be a list");
        for (const json& m : j["models"]) {
            RecipeModel model;
            if (m.is_string()) {
                model.path = resolveRecipePath(m.get<std::string>(), baseDir);
            } else if (m.is_object()) {
                checkKeys(m, {"path", "parameters"}, "models[].");
                if (!m.contains("path"))
                    throw InputError("recipe key 'models[].path' is missing");
                model.path = resolveRecipePath(stringValue(m["path"], "models[].path"), baseDir);
                if (m.contains("parameters"))
                    model.params = paramsFromJson(m["parameters"], "models[].parameters");
            } else {
                throw InputError("recipe key 'models' must list paths or {\"path\", \"parameters\"} objects");
            }
            r.models.push_back(std::move(model));
        }
    }
    if (j.contains("parameters"))
        r.params = paramsFromJson(j["parameters"], "parameters");
    if (j.contains("overrides")) {
        if (!j["overrides"].is_array())
            throw InputError("recipe key 'overrides' must be a list");
        for (const json& o : j["overrides"]) {
            if (!o.is_object())
                throw InputError("recipe key 'overrides' must list {\"filter\", \"parameters\"} objects");
            checkKeys(o, {"filter", "parameters"}, "overrides[].");
            ParamOverride ov;
            ov.filter = o.contains("filter") ? stringValue(o["filter"], "overrides[].filter") : std::string();
            ParamSetting::makeCondition(ov.filter, ParamSetting(0.0), "overrides[].filter"); // validates regex
            if (o.contains("parameters"))
                ov.params = paramsFromJson(o["parameters"], "overrides[].parameters");
            r.overrides.push_back(std::move(ov));
        }
    }
    if (j.contains("out_dtype") && !j["out_dtype"].is_null()) {
        const std::string name = stringValue(j["out_dtype"], "out_dtype");
        r.outDtype = parseUserDType(name);
        if (!r.outDtype)
            throw InputError("recipe key 'out_dtype': unknown dtype '" + name + "'");
    }
    if (j.contains("shard_size"))
        r.shardSize = unsignedValue(j["shard_size"], "shard_size");
    if (j.contains("seed"))
        r.seed = unsignedValue(j["seed"], "seed");
    if (j.contains("layer_patterns")) {
        if (!j["layer_patterns"].is_array())
            throw InputError("recipe key 'layer_patterns' must be a list of regular expressions");
        for (const json& p : j["layer_patterns"])
            r.layerPatterns.push_back(stringValue(p, "layer_patterns[]"));
    }
    if (j.contains("data"))
        r.data = dataFromJson(j["data"], baseDir);
    return r;
}

json recipeToJson(const Recipe& r)
{
    // nlohmann::json objects keep keys sorted, so the text depends only on the content.
    json j = json::object();
    j["mergelab_recipe"] = 1;
    j["method"] = r.method;
    if (!r.base.empty())
        j["base"] = r.base;
    json models = json::array();
    for (const RecipeModel& m : r.models) {
        json e = {{"path", m.path}};
        if (!m.params.empty())
            e["parameters"] = paramsToJson(m.params);
        models.push_back(std::move(e));
    }
    j["models"] = std::move(models);
    j["parameters"] = paramsToJson(r.params);
    if (!r.overrides.empty()) {
        json list = json::array();
        for (const ParamOverride& o : r.overrides)
            list.push_back({{"filter", o.filter}, {"parameters", paramsToJson(o.params)}});
        j["overrides"] = std::move(list);
    }
    if (r.outDtype)
        j["out_dtype"] = dtypeName(*r.outDtype);
    j["shard_size"] = r.shardSize;
    j["seed"] = r.seed;
    if (!r.layerPatterns.empty())
        j["layer_patterns"] = r.layerPatterns;
    if (r.data)
        j["data"] = dataToJson(*r.data);
    return j;
}

std::string recipeToJsonText(const Recipe& recipe)
{
    return recipeToJson(recipe).dump(2) + "\n";
}

Recipe loadRecipe(const std::string& path)
{
    const std::string text = readTextFile(path, "recipe");
    const std::string baseDir = fs::absolute(fs::path(path)).parent_path().string();
    const std::string ext = fs::path(path).extension().string();
    try {
        if (ext == ".yml" || ext == ".yaml")
            return recipeFromMergekitYaml(text, baseDir);
        return recipeFromJson(parseJson(text, path, "recipe"), baseDir);
    } catch (const FormatError&) {
        throw;
    } catch (const Error& e) {
        throw InputError(path, {}, e.detail());
    }
}

void validateRecipe(const Recipe& r)
{
    const MergeMethod* method = findMethod(r.method);
    if (!method) {
        std::string known;
        for (const MergeMethod* m : allMethods())
            known += (known.empty() ? "" : ", ") + m->name();
        throw InputError("unknown merge method '" + r.method + "' (known: " + known + ")");
    }
    if (method->needsBase() && r.base.empty())
        throw InputError(r.method + " needs a base model");
    const std::vector<ParamDef> defs = method->params();
    auto knownNames = [&] {
        std::string s;
        for (const ParamDef& d : defs)
            s += (s.empty() ? "" : ", ") + d.name;
        return s;
    };
    auto check = [&](const std::map<std::string, ParamSetting>& params, bool perModel, const std::string& where) {
        for (const auto& [name, setting] : params) {
            auto def = std::find_if(defs.begin(), defs.end(), [&](const ParamDef& d) { return d.name == name; });
            if (def == defs.end())
                throw InputError(r.method + ": unknown parameter '" + name + "'" + where + " (known: " + knownNames() +
                                 ")");
            if (perModel && !def->perModel)
                throw InputError(r.method + ": parameter '" + name + "' is global, not per model" + where);
        }
    };
    check(r.params, false, "");
    for (const ParamOverride& o : r.overrides)
        check(o.params, false, " in override '" + o.filter + "'");
    for (std::size_t i = 0; i < r.models.size(); ++i)
        check(r.models[i].params, true, " of model " + std::to_string(i + 1));
    const int count = static_cast<int>(r.models.size());
    if (count < method->minModels() || (method->maxModels() >= 0 && count > method->maxModels()))
        method->validate(TensorParams{}, count); // throws with the method's own wording
}

} // namespace mergelab
