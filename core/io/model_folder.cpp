#include "io/model_folder.h"

#include "common/error.h"

#include <algorithm>
#include <filesystem>

namespace mergelab {

namespace fs = std::filesystem;

const std::vector<std::string>& modelSideFileNames()
{
    static const std::vector<std::string> names = {"config.json",
                                                   "generation_config.json",
                                                   "tokenizer.json",
                                                   "tokenizer_config.json",
                                                   "special_tokens_map.json",
                                                   "tokenizer.model",
                                                   "vocab.json",
                                                   "vocab.txt",
                                                   "merges.txt",
                                                   "added_tokens.json",
                                                   "preprocessor_config.json",
                                                   "chat_template.jinja"};
    return names;
}

void copyModelSideFiles(const std::string& from, const std::string& to, const std::vector<std::string>& skip,
                        const std::string& keepIfIn)
{
    for (const std::string& name : modelSideFileNames()) {
        if (std::find(skip.begin(), skip.end(), name) != skip.end())
            continue;
        std::error_code ec;
        if (!fs::is_regular_file(fs::path(from) / name, ec))
            continue;
        if (!keepIfIn.empty() && fs::exists(fs::path(keepIfIn) / name, ec))
            continue;
        fs::copy_file(fs::path(from) / name, fs::path(to) / name, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw IoError((fs::path(to) / name).string(), {}, "cannot copy from " + from + ": " + ec.message());
    }
}

} // namespace mergelab
