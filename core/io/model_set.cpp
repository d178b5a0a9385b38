// ModelSet: load / validate / save *.mergelab.json project files.
#include "io/model_set.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/json_file.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "mergelab-project";
constexpr int kVersion = 1;

// Reads typed keys of one JSON object, reporting "key 'models[1].path': ..." on failure.
class Reader {
public:
    Reader(const json& object, std::string where, const std::string& file, const std::string& folder)
        : m_obj(object), m_where(std::move(where)), m_file(file), m_folder(folder)
    {
        if (!m_obj.is_object())
            fail(m_where, "expected an object");
    }

    [[noreturn]] void fail(const std::string& key, const std::string& what) const
    {
        throw FormatError(m_file, {}, "key '" + key + "': " + what);
    }
    std::string keyPath(const std::string& key) const { return m_where.empty() ? key : m_where + "." + key; }

    bool has(const std::string& key) const { return m_obj.contains(key) && !m_obj.at(key).is_null(); }

    std::string string(const std::string& key, bool required, const std::string& fallback = {}) const
    {
        if (!has(key)) {
            if (required)
                fail(keyPath(key), "missing");
            return fallback;
        }
        const json& v = m_obj.at(key);
        if (!v.is_string())
            fail(keyPath(key), "expected a string");
        return v.get<std::string>();
    }

    bool boolean(const std::string& key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        const json& v = m_obj.at(key);
        if (!v.is_boolean())
            fail(keyPath(key), "expected true or false");
        return v.get<bool>();
    }

    // A path: required non-empty string, resolved against the project folder.
    std::string path(const std::string& key, bool required) const
    {
        const std::string p = string(key, required);
        if (p.empty()) {
            if (required)
                fail(keyPath(key), "empty path");
            return {};
        }
        fs::path resolved(p);
        if (resolved.is_relative())
            resolved = fs::path(m_folder) / resolved;
        return resolved.lexically_normal().string();
    }

    const json& object() const { return m_obj; }

private:
    const json& m_obj;
    std::string m_where;
    const std::string& m_file;
    const std::string& m_folder;
};

bool validColor(const std::string& c)
{
    if (c.size() != 7 || c[0] != '#')
        return false;
    for (std::size_t i = 1; i < 7; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(c[i])))
            return false;
    return true;
}

// A path as written to disk: relative to `folder` when it lies below or beside it.
std::string relativeTo(const std::string& path, const std::string& folder)
{
    if (path.empty() || folder.empty())
        return path;
    fs::path p(path);
    if (p.is_relative())
        return p.generic_string();
    const fs::path rel = p.lexically_relative(fs::path(folder).lexically_normal());
    return rel.empty() ? p.generic_string() : rel.generic_string();
}

std::string absoluteFolderOf(const std::string& file)
{
    std::error_code ec;
    fs::path abs = fs::absolute(fs::path(file), ec);
    if (ec)
        abs = fs::path(file);
    return abs.lexically_normal().parent_path().string();
}

} // namespace

ModelSet ModelSet::parse(const std::string& text, const std::string& folder, const std::string& path)
{
    json root = parseJson(text, path, "project");
    Reader top(root, "", path, folder);
    if (top.string("format", true) != kFormat)
        top.fail("format", std::string("expected \"") + kFormat + "\"");
    if (!root.contains("version") || !root["version"].is_number_integer())
        top.fail("version", "missing or not an integer");
    if (root["version"].get<int>() > kVersion)
        top.fail("version", "version " + std::to_string(root["version"].get<int>()) +
                                " is newer than this MergeLab understands (" + std::to_string(kVersion) + ")");

    ModelSet set;
    set.name = top.string("name", false);

    if (!top.has("base"))
        top.fail("base", "missing");
    Reader base(root["base"], "base", path, folder);
    set.base.name = base.string("name", false, "base");
    set.base.path = base.path("path", true);

    if (!top.has("models") || !root["models"].is_array())
        top.fail("models", "missing or not an array");
    std::set<std::string> modelNames;
    for (std::size_t i = 0; i < root["models"].size(); ++i) {
        Reader m(root["models"][i], "models[" + std::to_string(i) + "]", path, folder);
        ModelEntry e;
        e.name = m.string("name", true);
        e.path = m.path("path", true);
        e.color = m.string("color", false, "#808080");
        if (!validColor(e.color))
            m.fail(m.keyPath("color"), "expected \"#rrggbb\", got \"" + e.color + "\"");
        e.task = m.string("task", false);
        if (!modelNames.insert(e.name).second)
            m.fail(m.keyPath("name"), "duplicate model name \"" + e.name + "\"");
        set.models.push_back(std::move(e));
    }

    if (top.has("architecture")) {
        Reader a(root["architecture"], "architecture", path, folder);
        set.architecture.type = a.string("type", true);
        if (set.architecture.type == "clip_vit")
            set.architecture.config = a.path("config", true);
        else if (set.architecture.type == "torchscript")
            set.architecture.path = a.path("path", true);
        else
            a.fail("architecture.type",
                   "expected \"clip_vit\" or \"torchscript\", got \"" + set.architecture.type + "\"");
    }

    if (top.has("tasks")) {
        if (!root["tasks"].is_array())
            top.fail("tasks", "expected an array");
        std::set<std::string> taskNames;
        for (std::size_t i = 0; i < root["tasks"].size(); ++i) {
            Reader t(root["tasks"][i], "tasks[" + std::to_string(i) + "]", path, folder);
            TaskEntry e;
            e.name = t.string("name", true);
            e.dataset = t.path("dataset", false);
            e.head = t.path("head", false);
            e.headTensor = t.string("head_tensor", !e.head.empty());
            e.headBias = t.string("head_bias", false);
            e.normalize = t.boolean("normalize", false);
            e.text = t.path("text", false);
            e.choices = t.path("choices", false);
            if (!taskNames.insert(e.name).second)
                t.fail(t.keyPath("name"), "duplicate task name \"" + e.name + "\"");
            set.tasks.push_back(std::move(e));
        }
        for (std::size_t i = 0; i < set.models.size(); ++i)
            if (!set.models[i].task.empty() && !taskNames.count(set.models[i].task))
                top.fail("models[" + std::to_string(i) + "].task", "unknown task \"" + set.models[i].task + "\"");
    }
    set.m_projectPath = path;
    return set;
}

ModelSet ModelSet::load(const std::string& path)
{
    ModelSet set = parse(readTextFile(path, "project"), absoluteFolderOf(path), path);
    return set;
}

std::string ModelSet::toJson(const std::string& folder) const
{
    json root;
    root["format"] = kFormat;
    root["version"] = kVersion;
    root["name"] = name;
    root["base"] = {{"name", base.name}, {"path", relativeTo(base.path, folder)}};
    root["models"] = json::array();
    for (const ModelEntry& m : models) {
        json e = {{"name", m.name}, {"path", relativeTo(m.path, folder)}, {"color", m.color}};
        if (!m.task.empty())
            e["task"] = m.task;
        root["models"].push_back(std::move(e));
    }
    if (architecture.type == "clip_vit")
        root["architecture"] = {{"type", "clip_vit"}, {"config", relativeTo(architecture.config, folder)}};
    else if (architecture.type == "torchscript")
        root["architecture"] = {{"type", "torchscript"}, {"path", relativeTo(architecture.path, folder)}};
    if (!tasks.empty()) {
        root["tasks"] = json::array();
        for (const TaskEntry& t : tasks) {
            json e = {{"name", t.name}};
            if (!t.dataset.empty())
                e["dataset"] = relativeTo(t.dataset, folder);
            if (!t.text.empty())
                e["text"] = relativeTo(t.text, folder);
            if (!t.choices.empty())
                e["choices"] = relativeTo(t.choices, folder);
            if (!t.head.empty()) {
                e["head"] = relativeTo(t.head, folder);
                e["head_tensor"] = t.headTensor;
                if (!t.headBias.empty())
                    e["head_bias"] = t.headBias;
            }
            if (t.normalize)
                e["normalize"] = true;
            root["tasks"].push_back(std::move(e));
        }
    }
    return root.dump(2) + "\n";
}

void ModelSet::save(const std::string& path) const
{
    const std::string text = toJson(absoluteFolderOf(path));
    writeFileAtomically(path, text);
    m_projectPath = path;
}

std::string ModelSet::projectFolder() const
{
    return m_projectPath.empty() ? std::string() : absoluteFolderOf(m_projectPath);
}

namespace {

std::string withSplit(std::string path, const std::string& split)
{
    const std::string marker = "{split}";
    for (size_t pos = path.find(marker); pos != std::string::npos; pos = path.find(marker, pos + split.size()))
        path.replace(pos, marker.size(), split);
    return path;
}

} // namespace

std::string TaskEntry::textFor(const std::string& split) const
{
    return withSplit(text, split);
}

std::string TaskEntry::choicesFor(const std::string& split) const
{
    return withSplit(choices, split);
}

const TaskEntry* ModelSet::findTask(const std::string& taskName) const
{
    for (const TaskEntry& t : tasks)
        if (t.name == taskName)
            return &t;
    return nullptr;
}

const ModelEntry* ModelSet::findModel(const std::string& modelName) const
{
    for (const ModelEntry& m : models)
        if (m.name == modelName)
            return &m;
    return nullptr;
}

std::vector<std::string> ModelSet::textsFor(const std::string& split) const
{
    std::vector<std::string> out;
    for (const TaskEntry& t : tasks)
        if (!t.text.empty())
            out.push_back(t.textFor(split));
    return out;
}

std::vector<std::string> ModelSet::modelPaths() const
{
    std::vector<std::string> out;
    for (const ModelEntry& m : models)
        out.push_back(m.path);
    return out;
}

} // namespace mergelab
