// bench_io: opening and reading a sharded safetensors checkpoint vs `cat` of the same files.
// Make the input with bench/make_bench_checkpoint.py; run bench/run_bench_io.sh. Not run by ctest.
//
//   bench_io [FOLDER] [--write OUT]   FOLDER defaults to /tmp/mergelab-bench-ckpt
//
// All timings are warm-cache (the files are read once before timing) and take the best of 3.
#include "io/checkpoint.h"
#include "io/checkpoint_writer.h"
#include "jobs/job.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

using namespace mergelab;
namespace fs = std::filesystem;

namespace {

double seconds(const std::function<void()>& fn)
{
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double best(int runs, const std::function<void()>& fn)
{
    double t = 1e30;
    for (int i = 0; i < runs; ++i)
        t = std::min(t, seconds(fn));
    return t;
}

// Touches every byte (8 at a time) so the pages really are read.
uint64_t checksum(const TensorData& d)
{
    uint64_t sum = 0;
    const uint8_t* p = d.data();
    uint64_t i = 0;
    for (; i + 8 <= d.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        sum += w;
    }
    for (; i < d.size(); ++i)
        sum += p[i];
    return sum;
}

} // namespace

int main(int argc, char** argv)
{
    std::string folder = "/tmp/mergelab-bench-ckpt";
    std::string writeTo;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--write" && i + 1 < argc)
            writeTo = argv[++i];
        else
            folder = argv[i];
    }
    std::string files;
    uint64_t bytesOnDisk = 0;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().extension() == ".safetensors") {
            files += " '" + e.path().string() + "'";
            bytesOnDisk += e.file_size();
        }
    if (files.empty()) {
        std::fprintf(stderr, "no .safetensors files in %s (run bench/make_bench_checkpoint.py)\n", folder.c_str());
        return 1;
    }
    const std::string cat = "cat" + files + " > /dev/null";
    if (std::system(cat.c_str()) != 0) // warm the page cache
        return 1;

    const double catTime = best(3, [&] { (void)std::system(cat.c_str()); });
    std::unique_ptr<Checkpoint> cp;
    const double openTime = best(3, [&] { cp = Checkpoint::open(folder); });
    uint64_t sum = 0;
    const double readTime = best(3, [&] {
        for (const TensorInfo& t : cp->tensors())
            sum += checksum(cp->read(t.name));
    });
    const double gb = static_cast<double>(bytesOnDisk) / 1e9;
    std::printf("checkpoint: %s, %zu tensors, %.2f GB in files\n", folder.c_str(), cp->tensors().size(), gb);
    std::printf("cat > /dev/null:            %7.3f s  (%5.2f GB/s)\n", catTime, gb / catTime);
    std::printf("open (headers only):        %7.3f ms\n", openTime * 1e3);
    std::printf("read every tensor (mmap):   %7.3f s  (%5.2f GB/s)  checksum %llx\n", readTime, gb / readTime,
                static_cast<unsigned long long>(sum));
    std::printf("ratio read / cat:           %7.2f\n", readTime / catTime);

    if (!writeTo.empty()) {
        NullProgress progress;
        CancelToken cancel;
        WriteOptions options;
        options.shardSize = 600ull * 1000 * 1000;
        fs::remove_all(writeTo);
        const double convertTime =
            seconds([&] { convertCheckpoint(*cp, writeTo, options, nullptr, progress, cancel); });
        const std::string cp2 = "cp -r '" + folder + "' '" + writeTo + ".cp'";
        fs::remove_all(writeTo + ".cp");
        const double cpTime = seconds([&] { (void)std::system(cp2.c_str()); });
        std::printf("convert (read + write):     %7.3f s  (%5.2f GB/s)\n", convertTime, gb / convertTime);
        std::printf("cp -r of the same folder:   %7.3f s  (%5.2f GB/s)\n", cpTime, gb / cpTime);
        std::printf("ratio convert / cp:         %7.2f\n", convertTime / cpTime);
        fs::remove_all(writeTo);
        fs::remove_all(writeTo + ".cp");
    }
    return 0;
}
