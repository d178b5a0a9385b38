#include "merge/layer_index.h"

#include "common/error.h"

namespace mergelab {

LayerIndexParser::LayerIndexParser() : LayerIndexParser({R"((?:^|\.)(?:layers|h|blocks|layer)\.(\d+)(?:\.|$))"}) {}

LayerIndexParser::LayerIndexParser(const std::vector<std::string>& patterns)
{
    for (const std::string& p : patterns) {
        try {
            m_patterns.emplace_back(p, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw InputError("invalid layer pattern '" + p + "': " + e.what());
        }
    }
}

std::optional<int> LayerIndexParser::layerOf(const std::string& tensorName) const
{
    for (const std::regex& re : m_patterns) {
        std::smatch m;
        if (std::regex_search(tensorName, m, re) && m.size() > 1)
            return std::stoi(m[1].str());
    }
    return std::nullopt;
}

int LayerIndexParser::layerCount(const std::vector<std::string>& tensorNames) const
{
    int count = 0;
    for (const std::string& n : tensorNames)
        if (auto l = layerOf(n))
            count = std::max(count, *l + 1);
    return count;
}

} // namespace mergelab
