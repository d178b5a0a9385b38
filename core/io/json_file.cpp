#include "io/json_file.h"

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>

namespace mergelab {

namespace {

std::optional<std::string> tryRead(const std::string& path, int* error = nullptr)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error)
            *error = errno;
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix, on one line.
std::string parserMessage(const nlohmann::json::exception& e)
{
    std::string what = e.what();
    if (what.rfind("[json.exception.", 0) == 0) {
        const auto close = what.find("] ");
        if (close != std::string::npos)
            what.erase(0, close + 2);
    }
    for (char& c : what)
        if (c == '\n' || c == '\r')
            c = ' ';
    return what;
}

template <class Json>
Json parseAs(const std::string& text, const std::string& path, const std::string& what)
{
    try {
        return Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, {}, what + " is not valid JSON: " + parserMessage(e));
    }
}

} // namespace

std::string readTextFile(const std::string& path, const std::string& what)
{
    int error = 0;
    std::optional<std::string> text = tryRead(path, &error);
    if (!text)
        throw IoError(path, {}, "cannot open " + what + ": " + systemErrorText(error));
    return std::move(*text);
}

nlohmann::json parseJson(const std::string& text, const std::string& path, const std::string& what)
{
    return parseAs<nlohmann::json>(text, path, what);
}

nlohmann::json readJsonFile(const std::string& path, const std::string& what)
{
    return parseJson(readTextFile(path, what), path, what);
}

nlohmann::ordered_json readOrderedJsonFile(const std::string& path, const std::string& what)
{
    return parseAs<nlohmann::ordered_json>(readTextFile(path, what), path, what);
}

nlohmann::json readJsonFileIfPresent(const std::string& path, const std::string& what)
{
    std::optional<std::string> text = tryRead(path);
    return text ? parseJson(*text, path, what) : nlohmann::json();
}

} // namespace mergelab
