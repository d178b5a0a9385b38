// Reading JSON files (projects, configs, recipes, reports, shard indexes): the one place that opens
// the file and turns a parse failure into a one-line error naming it. Each reader keeps its own
// checks of the fields.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace mergelab {

// The whole file as text. Throws IoError(path, "cannot open <what>: <reason>").
std::string readTextFile(const std::string& path, const std::string& what);

// Parses text read from `path`. Throws FormatError(path, "<what> is not valid JSON: <parser message>").
nlohmann::json parseJson(const std::string& text, const std::string& path, const std::string& what);

// readTextFile + parseJson.
nlohmann::json readJsonFile(const std::string& path, const std::string& what);
// Same, keeping the file's key order (a shard index's tensor order).
nlohmann::ordered_json readOrderedJsonFile(const std::string& path, const std::string& what);
// For optional files (config.json beside weights): null when the file cannot be opened.
nlohmann::json readJsonFileIfPresent(const std::string& path, const std::string& what);

} // namespace mergelab
