#include "text/sentencepiece_library.h"

#include "common/error.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace mergelab {

namespace {

const char* const kModule = "libmergelab_sentencepiece.so";

std::vector<std::string> candidates()
{
    std::vector<std::string> out;
    if (const char* env = std::getenv("MERGELAB_SENTENCEPIECE_MODULE"); env && *env)
        out.push_back(env);
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec)
        out.push_back((exe.parent_path().parent_path() / "lib" / "mergelab" / kModule).string());
    out.push_back(std::string(MERGELAB_SENTENCEPIECE_INSTALLED));
    out.push_back(std::string(MERGELAB_SENTENCEPIECE_BUILT));
    return out;
}

template <typename Fn>
void resolve(void* handle, const char* name, Fn& out, const std::string& path)
{
    out = reinterpret_cast<Fn>(::dlsym(handle, name));
    if (!out)
        throw IoError(path, {}, std::string("not a MergeLab SentencePiece module (no ") + name + ")");
}

SentencePieceLibrary loadLibrary()
{
    std::string tried;
    for (const std::string& path : candidates()) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            tried += (tried.empty() ? "" : ", ") + path;
            continue;
        }
        // Local and deep-bound: SentencePiece's bundled protobuf stays private to it.
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
        if (!handle)
            throw IoError(path, {}, std::string("cannot load the SentencePiece module: ") + ::dlerror());
        SentencePieceLibrary lib;
        resolve(handle, "mlsp_load", lib.load, path);
        resolve(handle, "mlsp_destroy", lib.destroy, path);
        resolve(handle, "mlsp_info", lib.info, path);
        resolve(handle, "mlsp_encode", lib.encode, path);
        resolve(handle, "mlsp_decode", lib.decode, path);
        resolve(handle, "mlsp_train", lib.train, path);
        resolve(handle, "mlsp_free", lib.free, path);
        return lib; // never unloaded
    }
    throw IoError(kModule, {}, "not found (tried " + tried + "); reinstall MergeLab");
}

} // namespace

const SentencePieceLibrary& sentencePieceLibrary()
{
    static std::once_flag once;
    static SentencePieceLibrary library;
    static std::string failure;
    std::call_once(once, [] {
        try {
            library = loadLibrary();
        } catch (const Error& e) {
            failure = e.what();
        }
    });
    if (!library.load)
        throw IoError(failure);
    return library;
}

} // namespace mergelab
