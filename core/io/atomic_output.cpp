#include "io/atomic_output.h"

#include "common/error.h"
#include "io/checkpoint.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
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

std::string parentOf(const std::string& path)
{
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

std::mutex& noticeMutex()
{
    static std::mutex m;
    return m;
}

std::function<void(const std::string&)>& noticeHandler()
{
    static std::function<void(const std::string&)> handler;
    return handler;
}

bool processAlive(long pid)
{
    if (pid <= 0)
        return true; // not ours to judge
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

unsigned long long sizeOf(const fs::path& p)
{
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(p, ec))) {
        unsigned long long total = 0;
        for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec))
            if (it->is_regular_file(ec))
                total += it->file_size(ec);
        return total;
    }
    const auto size = fs::file_size(p, ec);
    return ec ? 0 : size;
}

std::string megabytes(unsigned long long bytes)
{
    std::ostringstream o;
    o.precision(3);
    o << static_cast<double>(bytes) / 1e6 << " MB";
    return o.str();
}

void fsyncFd(int fd, const std::string& path)
{
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        throw IoError(path, {}, "cannot sync to disk: " + systemErrorText(errno));
}

void syncOne(const std::string& path, bool folder)
{
    const int fd = ::open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        throw IoError(path, {}, "cannot open to sync: " + systemErrorText(errno));
    try {
        fsyncFd(fd, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

// renameat2(RENAME_EXCHANGE) through the system call: glibc 2.36 has the wrapper, but not every libc does.
bool exchangePaths(const std::string& a, const std::string& b)
{
#ifdef SYS_renameat2
    constexpr unsigned kRenameExchange = 1u << 1;
    return ::syscall(SYS_renameat2, AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), kRenameExchange) == 0;
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return false;
#endif
}

std::string readSmallFile(const std::string& path, std::size_t limit)
{
    std::ifstream in(path, std::ios::binary);
    std::string text(limit, '\0');
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

} // namespace

std::string temporaryPathFor(const std::string& finalPath)
{
    static std::atomic<unsigned> counter{0};
    const fs::path p(finalPath);
    const std::string name = "." + p.filename().string() + kTemporaryMarker + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1));
    return (p.parent_path() / name).string();
}

StaleTemporaries removeStaleTemporaries(const std::string& folder)
{
    // ".<name>.mergelab-tmp-<pid>-<n>", ".<name>.mergelab-old-<pid>-<n>" and earlier versions' ".<name>.tmp-<pid>-<n>".
    static const std::regex pattern(R"(^\..+\.(mergelab-tmp|mergelab-old|tmp)-([0-9]+)-[0-9]+$)");
    StaleTemporaries out;
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return out;
    std::vector<fs::path> stale;
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::smatch m;
        if (!std::regex_match(name, m, pattern))
            continue;
        if (!processAlive(std::stol(m[2].str())))
            stale.push_back(it->path());
    }
    for (const fs::path& p : stale) {
        const unsigned long long bytes = sizeOf(p);
        std::error_code rm;
        fs::remove_all(p, rm);
        if (!rm) {
            out.paths.push_back(p.string());
            out.bytes += bytes;
        }
    }
    return out;
}

void setOutputNoticeHandler(std::function<void(const std::string&)> handler)
{
    std::lock_guard<std::mutex> lock(noticeMutex());
    noticeHandler() = std::move(handler);
}

void outputNotice(const std::string& line)
{
    std::lock_guard<std::mutex> lock(noticeMutex());
    if (noticeHandler())
        noticeHandler()(line);
    else
        std::cerr << line << std::endl;
}

void syncPath(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(path, ec))) {
        syncOne(path, false);
        return;
    }
    std::vector<std::string> folders{path};
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_symlink(ec))
            continue;
        if (it->is_directory(ec))
            folders.push_back(it->path().string());
        else if (it->is_regular_file(ec))
            syncOne(it->path().string(), false);
    }
    if (ec)
        throw IoError(path, {}, "cannot list to sync: " + ec.message());
    // Deepest first, so every entry is durable before the folder that names it.
    for (auto f = folders.rbegin(); f != folders.rend(); ++f)
        syncOne(*f, true);
}

void syncParentFolder(const std::string& path)
{
    syncOne(parentOf(path), true);
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
    syncPath(from);
    std::error_code ec;
    const bool folder = fs::is_directory(fs::symlink_status(from, ec));
    if (folder && fs::is_directory(fs::symlink_status(to, ec))) {
        // rename(2) cannot replace a non-empty folder: exchange the two atomically, then drop the old.
        if (!exchangePaths(from, to))
            throw IoError(to, {}, "cannot exchange " + from + " into place: " + systemErrorText(errno));
        syncParentFolder(to);
        removeQuietly(from);
        return;
    }
    if (std::rename(from.c_str(), to.c_str()) != 0)
        throw IoError(to, {}, "cannot rename " + from + " into place: " + systemErrorText(errno));
    syncParentFolder(to);
}

void writeFileAtomically(const std::string& path, const std::string& bytes)
{
    AtomicOutput out(path, AtomicOutput::Kind::File);
    {
        std::ofstream file(out.path(), std::ios::binary | std::ios::trunc);
        file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        file.close();
        if (!file)
            throw IoError(path, {}, "cannot write: " + systemErrorText(errno));
    }
    out.commit();
}

void removeQuietly(const std::string& path) noexcept
{
    std::error_code ec;
    fs::remove_all(path, ec);
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

bool isReplaceableOutput(const std::string& path)
{
    std::error_code ec;
    const auto status = fs::symlink_status(path, ec);
    if (!fs::exists(status))
        return true;
    if (fs::is_directory(status)) {
        if (fs::is_empty(path, ec))
            return true;
        for (const char* marker : {"mergelab_recipe.json", ".mergelab-output"})
            if (fs::exists(fs::path(path) / marker, ec))
                return true;
    } else if (!fs::is_regular_file(status)) {
        return false;
    }
    if (fs::exists(path + ".mergelab_recipe.json", ec))
        return true;
    try {
        const auto checkpoint = Checkpoint::open(path);
        for (const auto& entry : checkpoint->metadata())
            if (entry.first.rfind("mergelab", 0) == 0)
                return true;
    } catch (const std::exception&) {
        // Not a checkpoint we can read: not ours.
    }
    // Projects and reports MergeLab saves name themselves.
    if (fs::is_regular_file(status) && hasSuffix(path, ".mergelab.json"))
        return readSmallFile(path, 4096).find("\"base\"") != std::string::npos;
    return false;
}

void checkReplaceable(const std::string& path, bool force)
{
    if (!force && !isReplaceableOutput(path))
        throw InputError(path, {}, "exists and was not written by MergeLab; --force replaces it");
}

OutputLock::OutputLock(const std::string& finalPath)
{
    const fs::path p(finalPath);
    m_lockPath = (fs::path(parentOf(finalPath)) / ("." + p.filename().string() + ".mergelab-lock")).string();
    for (int attempt = 0; attempt < 8; ++attempt) {
        const int fd = ::open(m_lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            throw IoError(finalPath, {}, "cannot create the lock " + m_lockPath + ": " + systemErrorText(errno));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            const std::string holder = readSmallFile(m_lockPath, 32);
            ::close(fd);
            if (err == EWOULDBLOCK)
                throw IoError(
                    finalPath, {},
                    "another process" +
                        (holder.empty() ? std::string() : " (pid " + holder.substr(0, holder.find('\n')) + ")") +
                        " is writing this output");
            throw IoError(finalPath, {}, "cannot lock " + m_lockPath + ": " + systemErrorText(err));
        }
        // The holder before us may have removed the file after we opened it: lock the file that is there.
        struct stat held {
        }, current{};
        if (::fstat(fd, &held) == 0 && ::stat(m_lockPath.c_str(), &current) == 0 && held.st_ino == current.st_ino &&
            held.st_dev == current.st_dev) {
            const std::string pid = std::to_string(::getpid()) + "\n";
            if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
                // The pid is informative only.
            }
            m_fd = fd;
            return;
        }
        ::close(fd);
    }
    throw IoError(finalPath, {}, "cannot lock " + m_lockPath + ": it keeps being replaced");
}

OutputLock::~OutputLock()
{
    if (m_fd >= 0) {
        ::unlink(m_lockPath.c_str()); // still holding the lock: no one else owns this file yet
        ::close(m_fd);
    }
}

AtomicOutput::AtomicOutput(std::string finalPath, Kind kind, Options options)
    : m_final(std::move(finalPath)), m_kind(kind), m_options(std::move(options)), m_lock(m_final)
{
    std::error_code ec;
    const auto status = fs::symlink_status(m_final, ec);
    if (fs::exists(status) && (kind == Kind::Folder) != fs::is_directory(status))
        throw InputError(m_final, {},
                         kind == Kind::Folder ? "output exists and is not a folder" : "output exists and is a folder");
    const StaleTemporaries stale = removeStaleTemporaries(parentOf(m_final));
    StaleTemporaries inside;
    if (kind == Kind::Folder)
        inside = removeStaleTemporaries(m_final); // earlier versions wrote shards' temporaries inside the folder
    const std::size_t count = stale.paths.size() + inside.paths.size();
    if (count > 0)
        outputNotice("note: removed " + std::to_string(count) + " temporar" + (count == 1 ? "y" : "ies") + " (" +
                     megabytes(stale.bytes + inside.bytes) + ") left by killed processes beside " + m_final);
    m_temp = temporaryPathFor(m_final);
    if (kind == Kind::Folder && !fs::create_directory(m_temp, ec))
        throw IoError(m_final, {}, "cannot create the temporary folder " + m_temp + ": " + ec.message());
}

AtomicOutput::AtomicOutput(std::string finalPath, Kind kind, bool keepOldEntries)
    : AtomicOutput(std::move(finalPath), kind, Options{keepOldEntries, {}})
{}

AtomicOutput::~AtomicOutput()
{
    abort();
}

void AtomicOutput::commit()
{
    if (m_done)
        throw InputError(m_final, {}, "output is already committed or aborted");
    std::error_code ec;
    if (m_kind == Kind::Folder && m_options.keepOldEntries && fs::is_directory(m_final, ec)) {
        // Carry the old folder's other files over (hard links: no copy), except what belongs to the old output.
        for (auto it = fs::directory_iterator(m_final, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            const fs::path target = fs::path(m_temp) / name;
            if (fs::exists(fs::symlink_status(target)) || name.rfind('.', 0) == 0 ||
                (m_options.dropOld && m_options.dropOld(name)))
                continue;
            std::error_code link;
            if (it->is_regular_file(link))
                fs::create_hard_link(it->path(), target, link);
            else
                link = std::make_error_code(std::errc::operation_not_supported);
            if (link) {
                link.clear();
                fs::copy(it->path(), target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, link);
            }
            if (link)
                throw IoError(target.string(), {}, "cannot carry over from " + m_final + ": " + link.message());
        }
    }
    renameIntoPlace(m_temp, m_final);
    m_done = true;
}

void AtomicOutput::abort() noexcept
{
    if (m_done)
        return;
    m_done = true;
    if (!m_temp.empty())
        removeQuietly(m_temp);
}

} // namespace mergelab
