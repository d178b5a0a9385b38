// The files a Hugging Face model folder carries besides its weights (config, generation config,
// tokenizer files...): one list for every writer of model folders (merge, BTX, expert merging).
#pragma once

#include <string>
#include <vector>

namespace mergelab {

const std::vector<std::string>& modelSideFileNames();

// Copies the side files present in folder `from` into folder `to`, except the names in `skip` and the
// names already present in `keepIfIn` (when given). Throws IoError naming the file that failed.
void copyModelSideFiles(const std::string& from, const std::string& to, const std::vector<std::string>& skip = {},
                        const std::string& keepIfIn = {});

} // namespace mergelab
