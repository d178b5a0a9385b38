#include "io/checkpoint.h"

#include <filesystem>

namespace mergelab {

bool Checkpoint::contains(const std::string& name) const
{
    return find(name) != nullptr;
}

const TensorInfo* Checkpoint::find(const std::string& name) const
{
    for (const TensorInfo& t : tensors())
        if (t.name == name)
            return &t;
    return nullptr;
}

uint64_t Checkpoint::totalBytes() const
{
    uint64_t n = 0;
    for (const TensorInfo& t : tensors())
        n += t.byteSize;
    return n;
}

int64_t Checkpoint::parameterCount() const
{
    int64_t n = 0;
    for (const TensorInfo& t : tensors())
        n += t.numel();
    return n;
}

std::string Checkpoint::folder() const
{
    namespace fs = std::filesystem;
    fs::path p(path());
    if (fs::is_directory(p))
        return p.string();
    return p.parent_path().string();
}

} // namespace mergelab
