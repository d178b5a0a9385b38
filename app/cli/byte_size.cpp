#include "cli/byte_size.h"

#include <cctype>
#include <cmath>
#include <exception>

namespace mergelab::cli {

// "2GB" -> 2e9; see byte_size.h.
std::optional<uint64_t> parseByteSize(const std::string& text)
{
    std::size_t pos = 0;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
        ++pos;
    if (pos == 0)
        return std::nullopt;
    double number = 0;
    try {
        std::size_t used = 0;
        number = std::stod(text.substr(0, pos), &used);
        if (used != pos)
            return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::string unit;
    for (char c : text.substr(pos))
        if (c != ' ')
            unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::pair<const char*, double> units[] = {{"", 1},
                                                    {"b", 1},
                                                    {"k", 1e3},
                                                    {"kb", 1e3},
                                                    {"m", 1e6},
                                                    {"mb", 1e6},
                                                    {"g", 1e9},
                                                    {"gb", 1e9},
                                                    {"t", 1e12},
                                                    {"tb", 1e12},
                                                    {"kib", 1024.0},
                                                    {"mib", 1048576.0},
                                                    {"gib", 1073741824.0},
                                                    {"tib", 1099511627776.0}};
    for (const auto& [name, scale] : units) {
        if (unit == name) {
            const double bytes = std::floor(number * scale);
            if (!std::isfinite(bytes) || bytes > 1.8e19)
                return std::nullopt;
            return static_cast<uint64_t>(bytes);
        }
    }
    return std::nullopt;
}

std::string checkByteSize(const std::string& text)
{
    return parseByteSize(text) ? std::string() : "cannot read size \"" + text + "\" (e.g. 500MB, 2GB, 1.5GiB)";
}

} // namespace mergelab::cli
