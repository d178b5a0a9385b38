// Checkpoint::open: detects the format of a file or folder and dispatches to its reader.
#include "io/checkpoint.h"
#include "io/readers.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

bool hasSuffix(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// First bytes of a file, to recognise zip ("PK\3\4") and HDF5 ("\x89HDF").
std::string magic(const std::string& path, std::size_t n)
{
    std::ifstream in(path, std::ios::binary);
    std::string buf(n, '\0');
    in.read(&buf[0], static_cast<std::streamsize>(n));
    buf.resize(static_cast<std::size_t>(in.gcount()));
    return buf;
}

std::unique_ptr<Checkpoint> openFolder(const fs::path& dir)
{
    const std::pair<const char*, std::unique_ptr<Checkpoint> (*)(const std::string&)> indexed[] = {
        {"model.safetensors.index.json", openSafetensorsSharded},
        {"pytorch_model.bin.index.json", openTorchZipSharded},
    };
    for (const auto& [file, opener] : indexed)
        if (fs::exists(dir / file))
            return opener((dir / file).string());
    for (const char* file : {"model.safetensors", "pytorch_model.bin", "model.h5"})
        if (fs::exists(dir / file))
            return Checkpoint::open((dir / file).string());
    // A folder holding exactly one checkpoint-like file.
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() &&
            (hasSuffix(name, ".safetensors") || hasSuffix(name, ".bin") || hasSuffix(name, ".pt") ||
             hasSuffix(name, ".pth") || hasSuffix(name, ".h5") || hasSuffix(name, ".hdf5")))
            candidates.push_back(entry.path());
    }
    if (candidates.size() == 1)
        return Checkpoint::open(candidates.front().string());
    throw FormatError(dir.string(), {},
                      candidates.empty()
                          ? "folder holds no checkpoint (no model.safetensors, index file, or tensor file)"
                          : "folder holds several checkpoint files and no index; open one of them");
}

} // namespace

std::unique_ptr<Checkpoint> Checkpoint::open(const std::string& path)
{
    std::error_code ec;
    const fs::path p(path);
    const auto status = fs::status(p, ec);
    if (ec || !fs::exists(status))
        throw IoError(path, {}, "no such file or folder");
    if (fs::is_directory(status))
        return openFolder(p);
    if (!fs::is_regular_file(status))
        throw IoError(path, {}, "not a regular file");
    if (hasSuffix(path, ".index.json")) {
        if (hasSuffix(path, "safetensors.index.json"))
            return openSafetensorsSharded(path);
        if (hasSuffix(path, "bin.index.json"))
            return openTorchZipSharded(path);
    }
    if (fs::file_size(p, ec) == 0)
        throw FormatError(path, {}, "file is empty");
    const std::string head = magic(path, 8);
    if (head.size() >= 4 && head.compare(0, 4, "\x89HDF") == 0)
        return openHdf5(path);
    if (head.size() >= 4 && head.compare(0, 4, std::string("PK\x03\x04", 4)) == 0) {
        // torch.jit.save archives hold code/ and constants.pkl beside data.pkl; openTorchZip
        // detects them and hands over to the TorchScript reader.
        return openTorchZip(path);
    }
    // Legacy (pre-1.6) torch.save files start with a pickled magic number; the torch reader reads them.
    if (head == std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46", 8))
        return openTorchZip(path);
    if (hasSuffix(path, ".safetensors") || head.size() == 8)
        return openSafetensorsFile(path);
    throw FormatError(path, {}, "unrecognised checkpoint format");
}

} // namespace mergelab
