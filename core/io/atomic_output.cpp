#include "io/atomic_output.h"

#include "common/error.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

bool hasSuffix(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

fs::path canonicalish(const std::string& path)
{
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec)
        p = fs::absolute(path).lexically_normal();
    return p;
}

// True when `inner` equals `outer` or lies below it.
bool isWithin(const fs::path& inner, const fs::path& outer)
{
    auto i = inner.begin();
    for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
        if (o->empty())
            continue; // trailing separator
        if (i == inner.end() || *i != *o)
            return false;
    }
    return true;
}

} // namespace

std::string temporaryPathFor(const std::string& finalPath)
{
    static std::atomic<unsigned> counter{0};
    const fs::path p(finalPath);
    const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1));
    return (p.parent_path() / name).string();
}

void checkNotProtected(const std::string& outputPath, const std::vector<std::string>& protectedPaths)
{
    const fs::path out = canonicalish(outputPath);
    for (const std::string& prot : protectedPaths) {
        if (prot.empty())
            continue;
        fs::path guarded = canonicalish(prot);
        std::error_code ec;
        // A sharded input is its whole folder.
        if (hasSuffix(prot, ".index.json"))
            guarded = guarded.parent_path();
        const bool guardedIsDir = fs::is_directory(guarded, ec);
        if (out == guarded || (guardedIsDir && isWithin(out, guarded)))
            throw InputError(outputPath, {}, "refusing to overwrite the input " + prot);
    }
}

void renameIntoPlace(const std::string& from, const std::string& to)
{
    if (std::rename(from.c_str(), to.c_str()) != 0)
        throw IoError(to, {}, "cannot rename " + from + " into place: " + systemErrorText(errno));
}

void removeQuietly(const std::string& path) noexcept
{
    std::error_code ec;
    fs::remove(path, ec);
}

bool ensureFolder(const std::string& dir)
{
    std::error_code ec;
    if (dir.empty() || fs::is_directory(dir, ec))
        return false;
    if (!fs::create_directories(dir, ec) && ec)
        throw IoError(dir, {}, "cannot create folder: " + ec.message());
    return true;
}

PartialFolderGuard::~PartialFolderGuard()
{
    if (!m_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

} // namespace mergelab
