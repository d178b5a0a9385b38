// Helpers for writers that publish their output atomically: temporary names beside the final
// path, protection of input files, rename into place.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mergelab {

// "<dir>/.<name>.tmp-<pid>-<n>": a fresh temporary name in the same folder as `finalPath`
// (same filesystem, so rename() is atomic).
std::string temporaryPathFor(const std::string& finalPath);

// Throws InputError when writing `outputPath` would overwrite one of `protectedPaths` or a file
// inside a protected folder (paths compared canonically). An "*.index.json" protects its folder.
void checkNotProtected(const std::string& outputPath, const std::vector<std::string>& protectedPaths);

// rename(2) with an IoError naming both paths on failure.
void renameIntoPlace(const std::string& from, const std::string& to);

// Removes a file if it exists; never throws (used from destructors).
void removeQuietly(const std::string& path) noexcept;

// Creates `dir` (and parents) if missing. Returns true when it had to create it. Throws IoError.
bool ensureFolder(const std::string& dir);

// Removes a partial output folder when the scope ends, unless released (cancel and failure leave
// nothing behind).
class PartialFolderGuard {
public:
    explicit PartialFolderGuard(std::string dir) : m_dir(std::move(dir)) {}
    ~PartialFolderGuard();
    PartialFolderGuard(const PartialFolderGuard&) = delete;
    PartialFolderGuard& operator=(const PartialFolderGuard&) = delete;
    void release() { m_dir.clear(); }

private:
    std::string m_dir;
};

} // namespace mergelab
