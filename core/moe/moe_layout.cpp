// Recognising MoE checkpoints: "<prefix>.experts.<E>.<role>" tensors grouped by prefix, a router
// "<prefix>.gate.weight", and the family from the block name, the roles and config.json.
#include "moe/moe_layout.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "merge/layer_index.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace mergelab {

using nlohmann::json;

const char* moeFamilyName(MoeFamily family)
{
    switch (family) {
    case MoeFamily::Mixtral:
        return "mixtral";
    case MoeFamily::Qwen2Moe:
        return "qwen2_moe";
    case MoeFamily::DeepSeekMoe:
        return "deepseek_moe";
    case MoeFamily::MoeVit:
        return "moe_vit";
    case MoeFamily::Generic:
        return "generic";
    }
    return "generic";
}

int64_t MoeLayer::expertParameters() const
{
    int64_t n = 0;
    for (const auto& shape : roleShapes) {
        int64_t p = 1;
        for (int64_t d : shape)
            p *= d;
        n += p;
    }
    return n;
}

const MoeLayer* MoeLayout::findLayer(int layer) const
{
    for (const MoeLayer& l : layers)
        if (l.layer == layer)
            return &l;
    return nullptr;
}

namespace {

// config.json beside the weights, when there is one (null otherwise).
json readConfig(const std::string& path)
{
    json j = readJsonFileIfPresent(path, "config");
    if (!j.is_null() && !j.is_object())
        throw FormatError(path, {}, "expected a JSON object");
    return j;
}

// First of `keys` present in the config as a positive integer: (key, value); ("", 0) when none.
std::pair<std::string, int> configInt(const json& config, const std::string& path,
                                      std::initializer_list<const char*> keys)
{
    if (!config.is_object())
        return {"", 0};
    for (const char* key : keys) {
        if (!config.contains(key) || config[key].is_null())
            continue;
        if (!config[key].is_number_integer() || config[key].get<int64_t>() <= 0)
            throw FormatError(path, {}, std::string("key '") + key + "': expected a positive integer");
        return {key, config[key].get<int>()};
    }
    return {"", 0};
}

std::string shapeText(const std::vector<int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

MoeFamily familyOf(const MoeLayer& layer, const std::string& modelType)
{
    const std::string block = layer.prefix.substr(layer.prefix.rfind('.') + 1);
    const bool vitRoles = std::find(layer.roles.begin(), layer.roles.end(), "fc1.weight") != layer.roles.end();
    const bool llamaRoles = std::find(layer.roles.begin(), layer.roles.end(), "gate_proj.weight") != layer.roles.end();
    if (block == "block_sparse_moe")
        return MoeFamily::Mixtral;
    if (block == "moe" && vitRoles)
        return MoeFamily::MoeVit;
    if (block == "mlp" && llamaRoles) {
        if (modelType.find("deepseek") != std::string::npos)
            return MoeFamily::DeepSeekMoe;
        for (const std::string& s : layer.shared)
            if (s.find(".shared_experts.") != std::string::npos)
                return MoeFamily::DeepSeekMoe;
        return MoeFamily::Qwen2Moe;
    }
    return MoeFamily::Generic;
}

} // namespace

std::optional<MoeLayout> tryDetectMoeLayout(const Checkpoint& checkpoint)
{
    const std::string& file = checkpoint.path();
    static const std::regex expertRe(R"(^(.+)\.experts\.(\d+)\.(.+)$)");
    LayerIndexParser layerParser;

    // prefix -> expert index -> role -> tensor
    std::map<std::string, std::map<int, std::map<std::string, const TensorInfo*>>> found;
    for (const TensorInfo& t : checkpoint.tensors()) {
        std::smatch m;
        if (!std::regex_match(t.name, m, expertRe))
            continue;
        const std::string prefix = m[1];
        if (!layerParser.layerOf(prefix + "."))
            continue; // experts outside a numbered block are not a layout we know
        int index = 0;
        try {
            index = std::stoi(m[2]);
        } catch (const std::exception&) {
            throw FormatError(file, t.name, "expert index out of range");
        }
        found[prefix][index][m[3]] = &t;
    }
    if (found.empty())
        return std::nullopt;

    MoeLayout layout;
    layout.configPath = (std::filesystem::path(checkpoint.folder()) / "config.json").string();
    layout.config = readConfig(layout.configPath);
    if (layout.config.is_null())
        layout.configPath.clear();
    const std::string modelType = layout.config.is_object() && layout.config.value("model_type", json()).is_string()
                                      ? layout.config["model_type"].get<std::string>()
                                      : std::string();

    for (const auto& [prefix, experts] : found) {
        MoeLayer layer;
        layer.prefix = prefix;
        layer.layer = *layerParser.layerOf(prefix + ".");
        // Roles and shapes from expert 0; every expert must match them.
        int expected = 0;
        for (const auto& [index, roles] : experts) {
            if (index != expected)
                throw FormatError(file, prefix + ".experts." + std::to_string(expected),
                                  "expert missing (experts must be numbered 0.." +
                                      std::to_string(experts.rbegin()->first) + " without gaps)");
            ++expected;
        }
        for (const auto& [role, info] : experts.begin()->second) {
            layer.roles.push_back(role);
            layer.roleShapes.push_back(info->shape);
        }
        for (const auto& [index, roles] : experts) {
            MoeExpert expert;
            expert.index = index;
            for (std::size_t r = 0; r < layer.roles.size(); ++r) {
                const std::string name = prefix + ".experts." + std::to_string(index) + "." + layer.roles[r];
                auto it = roles.find(layer.roles[r]);
                if (it == roles.end())
                    throw FormatError(file, name, "missing (expert 0 of this layer has it)");
                if (it->second->shape != layer.roleShapes[r])
                    throw FormatError(file, name,
                                      "mismatched expert shapes: " + shapeText(it->second->shape) + ", expert 0 has " +
                                          shapeText(layer.roleShapes[r]));
                expert.tensors.push_back(name);
            }
            if (roles.size() != layer.roles.size())
                throw FormatError(file, prefix + ".experts." + std::to_string(index),
                                  "has tensors expert 0 lacks (" + std::to_string(roles.size()) + " vs " +
                                      std::to_string(layer.roles.size()) + ")");
            layer.experts.push_back(std::move(expert));
        }
        layer.router = prefix + ".gate.weight";
        const TensorInfo* router = checkpoint.find(layer.router);
        if (!router)
            throw FormatError(file, layer.router, "router missing for the experts under " + prefix);
        if (router->shape.size() != 2 || router->shape[0] != static_cast<int64_t>(layer.experts.size()))
            throw FormatError(file, layer.router,
                              "router shape " + shapeText(router->shape) + " does not fit " +
                                  std::to_string(layer.experts.size()) + " experts (expected [" +
                                  std::to_string(layer.experts.size()) + ", hidden])");
        const std::string under = prefix + ".";
        for (const TensorInfo& t : checkpoint.tensors())
            if (t.name.compare(0, under.size(), under) == 0 && t.name != layer.router &&
                t.name.compare(0, under.size() + 8, under + "experts.") != 0)
                layer.shared.push_back(t.name);
        layout.layers.push_back(std::move(layer));
    }
    std::sort(layout.layers.begin(), layout.layers.end(),
              [](const MoeLayer& a, const MoeLayer& b) { return a.layer < b.layer; });
    for (std::size_t i = 1; i < layout.layers.size(); ++i)
        if (layout.layers[i].layer == layout.layers[i - 1].layer)
            throw FormatError(file, layout.layers[i].prefix,
                              "two expert blocks in layer " + std::to_string(layout.layers[i].layer) + " (" +
                                  layout.layers[i - 1].prefix + ")");

    const MoeLayer& first = layout.layers.front();
    layout.family = familyOf(first, modelType);
    layout.numExperts = static_cast<int>(first.experts.size());
    for (const MoeLayer& l : layout.layers)
        if (static_cast<int>(l.experts.size()) != layout.numExperts)
            throw FormatError(file, l.prefix,
                              std::to_string(l.experts.size()) + " experts, layer " + std::to_string(first.layer) +
                                  " has " + std::to_string(layout.numExperts) +
                                  " (MergeLab needs the same expert count in every MoE layer)");

    const auto [countKey, count] =
        configInt(layout.config, layout.configPath, {"num_local_experts", "num_experts", "n_routed_experts"});
    layout.expertCountKey = countKey.empty() ? (layout.family == MoeFamily::Qwen2Moe      ? "num_experts"
                                                : layout.family == MoeFamily::DeepSeekMoe ? "n_routed_experts"
                                                                                          : "num_local_experts")
                                             : countKey;
    if (count && count != layout.numExperts)
        throw FormatError(layout.configPath, {},
                          "key '" + countKey + "' says " + std::to_string(count) + " experts, the checkpoint has " +
                              std::to_string(layout.numExperts));
    layout.topK = configInt(layout.config, layout.configPath, {"num_experts_per_tok", "moe_topk", "top_k"}).second;
    if (layout.topK > layout.numExperts)
        throw FormatError(layout.configPath, {},
                          "key 'num_experts_per_tok' (" + std::to_string(layout.topK) + ") exceeds the " +
                              std::to_string(layout.numExperts) + " experts");

    layout.totalParameters = checkpoint.parameterCount();
    for (const MoeLayer& l : layout.layers)
        layout.expertParameters += l.expertParameters() * static_cast<int64_t>(l.experts.size());
    return layout;
}

MoeLayout detectMoeLayout(const Checkpoint& checkpoint)
{
    auto layout = tryDetectMoeLayout(checkpoint);
    if (!layout)
        throw InputError(checkpoint.path(), {},
                         "not a Mixture-of-Experts checkpoint (no '<block>.experts.<E>.<tensor>' names with a "
                         "'<block>.gate.weight' router)");
    return std::move(*layout);
}

namespace {
std::string humanCount(int64_t n)
{
    char buf[32];
    if (n >= 1000000000)
        std::snprintf(buf, sizeof buf, "%.2fB", n / 1e9);
    else if (n >= 1000000)
        std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
    else if (n >= 1000)
        std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
}
} // namespace

std::string moeSummaryLine(const MoeLayout& layout)
{
    std::string s = std::string("MoE: ") + moeFamilyName(layout.family) + ", " + std::to_string(layout.layers.size()) +
                    " layers x " + std::to_string(layout.numExperts) + " experts, ";
    s += layout.topK ? "top-" + std::to_string(layout.topK) : std::string("top-k unknown");
    s += ", experts " + humanCount(layout.expertParameters) + " of " + humanCount(layout.totalParameters) +
         " parameters";
    return s;
}

std::string describeMoeLayout(const MoeLayout& layout)
{
    std::ostringstream out;
    out << moeSummaryLine(layout) << "\n";
    out << "config: " << (layout.configPath.empty() ? std::string("(no config.json)") : layout.configPath);
    if (!layout.configPath.empty())
        out << " (" << layout.expertCountKey << " = " << layout.numExperts << ")";
    out << "\n";
    for (const MoeLayer& l : layout.layers) {
        out << "layer " << l.layer << ": " << l.experts.size() << " experts of " << humanCount(l.expertParameters())
            << " parameters under " << l.prefix << "\n";
        out << "  router  " << l.router << "\n";
        out << "  expert  ";
        for (std::size_t r = 0; r < l.roles.size(); ++r)
            out << (r ? ", " : "") << l.roles[r] << " " << shapeText(l.roleShapes[r]);
        out << "\n";
        for (const std::string& s : l.shared)
            out << "  shared  " << s << "\n";
    }
    return out.str();
}

} // namespace mergelab
