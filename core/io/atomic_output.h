// How every MergeLab writer publishes an output (a file or a folder) so that a crash, a kill or a power
// cut leaves either the previous result or the new one under the final name, never a part of one:
// write into an owned temporary sibling, fsync it, rename it into place, fsync the folder. Temporaries
// carry a marker and the writer's process id, so the next writer to the same place removes those whose
// process is gone. One writer per output at a time (an advisory lock beside it).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mergelab {

// The marker in every temporary name: "<dir>/.<name>.mergelab-tmp-<pid>-<n>".
inline constexpr const char* kTemporaryMarker = ".mergelab-tmp-";

// A fresh temporary name in the same folder as `finalPath` (same filesystem, so rename() is atomic).
std::string temporaryPathFor(const std::string& finalPath);

// Temporaries in `folder` (not below it) left by processes that no longer run: MergeLab's marked ones
// and the ".<name>.tmp-<pid>-<n>" names of earlier versions. Removes them and returns what it removed;
// never touches a temporary of a live process.
struct StaleTemporaries {
    std::vector<std::string> paths;
    unsigned long long bytes = 0;
};
StaleTemporaries removeStaleTemporaries(const std::string& folder);

// Where the one-line notes of writers go ("note: removed 2 temporaries (268 MB) left by killed
// processes in out/"). Default: standard error. The GUI routes them to its log.
void setOutputNoticeHandler(std::function<void(const std::string&)> handler);
void outputNotice(const std::string& line);

// Durability: fsync a file, or every file below a folder and the folders themselves; fsync the folder
// that holds `path` (makes a rename or a new entry durable). Throw IoError naming the path.
void syncPath(const std::string& path);
void syncParentFolder(const std::string& path);

// Throws InputError when writing `outputPath` would overwrite one of `protectedPaths` or a file
// inside a protected folder (paths compared canonically). An "*.index.json" protects its folder.
void checkNotProtected(const std::string& outputPath, const std::vector<std::string>& protectedPaths);

// Makes `from` durable, renames it to `to` and makes the rename durable. A folder replaces an existing
// folder `to` by atomic exchange (the old one is removed afterwards). IoError naming both paths.
void renameIntoPlace(const std::string& from, const std::string& to);

// Writes `bytes` to `path` atomically and durably (temporary sibling, fsync, rename, fsync folder).
void writeFileAtomically(const std::string& path, const std::string& bytes);

// Removes a file or folder if it exists; never throws (used from destructors).
void removeQuietly(const std::string& path) noexcept;

// Creates `dir` (and parents) if missing. Returns true when it had to create it. Throws IoError.
bool ensureFolder(const std::string& dir);

// True when `path` is an output MergeLab may replace without --force: it does not exist, is an empty
// folder, or was written by MergeLab (a checkpoint whose metadata has a "mergelab_*" key, a folder with
// mergelab_recipe.json or a MergeLab marker, a project or report MergeLab saved).
bool isReplaceableOutput(const std::string& path);
// Throws InputError "<path>: exists and was not written by MergeLab; --force replaces it" unless
// `force` or isReplaceableOutput(path).
void checkReplaceable(const std::string& path, bool force);

// Holds the advisory lock of one output ("<dir>/.<name>.mergelab-lock", flock): a second process (or
// writer) for the same output fails at once with an IoError naming the output and the holder's pid.
// The lock dies with the process; the lock file is removed on release.
class OutputLock {
public:
    explicit OutputLock(const std::string& finalPath);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    std::string m_lockPath;
    int m_fd = -1;
};

// One output being written: locks it, removes stale temporaries beside it, and hands out a temporary
// path (a file to create, or a created empty folder) to write into. commit() publishes it durably;
// destroying it uncommitted removes the temporary.
class AtomicOutput {
public:
    enum class Kind { File, Folder };
    struct Options {
        // Entries of an existing output folder that the new output lacks are kept (hard-linked into the
        // new folder before the exchange) unless `dropOld` says they belong to the old output.
        bool keepOldEntries = false;
        std::function<bool(const std::string& name)> dropOld;
    };

    AtomicOutput(std::string finalPath, Kind kind, Options options);
    // keepOldEntries: see Options (no dropOld).
    AtomicOutput(std::string finalPath, Kind kind, bool keepOldEntries = false);
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    // Where to write until commit().
    const std::string& path() const { return m_temp; }
    const std::string& finalPath() const { return m_final; }
    // fsync, rename into place (exchanging an existing folder), fsync the folder. Once.
    void commit();
    // Removes the temporary now; idempotent.
    void abort() noexcept;

private:
    std::string m_final;
    Kind m_kind;
    Options m_options;
    OutputLock m_lock;
    std::string m_temp;
    bool m_done = false;
};

} // namespace mergelab
