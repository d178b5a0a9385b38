// Benchmark of the one-pass task-vector analysis (not run by ctest).
//
//   bench_analyze make DIR [--gb 2] [--models 4]   writes DIR/base.safetensors + DIR/ft_<i>.safetensors
//   bench_analyze run BASE MODEL... [--threads N]  analyses and prints wall time and throughput
//
// The figure we hold ourselves to (DESIGN.md): analysis wall time / `cat` time of the same inputs,
// aim <= 1.3, and peak RSS. Recipe (data in /tmp, delete afterwards):
//   B=build/bench/bench_analyze; D=/tmp/mergelab-bench-analyze
//   $B make $D --gb 2 --models 4
//   cat $D/*.safetensors > /dev/null                       # warm the page cache once
//   time cat $D/*.safetensors > /dev/null                  # cat time
//   /usr/bin/time -v $B run $D/base.safetensors $D/ft_*.safetensors   # wall time, "Maximum resident set size"
//   rm -rf $D
#include "analysis/task_vector_analysis.h"
#include "io/checkpoint.h"
#include "io/runtime.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace mergelab;

namespace {

// xorshift64*: fast, deterministic, good enough for synthetic weights.
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    float uniform() // [-1, 1)
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        const uint64_t r = s * 0x2545F4914F6CDD1Dull;
        return static_cast<float>(static_cast<int64_t>(r) >> 40) * (1.0f / 8388608.0f);
    }
};

struct Planned {
    std::string name;
    std::vector<int64_t> shape;
    int64_t numel() const
    {
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        return n;
    }
};

// A Llama-like layout with hidden size 2048, scaled to ~gb gigabytes of float32.
std::vector<Planned> layout(double gb)
{
    const int64_t h = 2048, ffn = 5632;
    std::vector<Planned> plan{{"model.embed_tokens.weight", {16000, h}}};
    int64_t bytes = 16000 * h * 4;
    for (int layer = 0; bytes < static_cast<int64_t>(gb * 1e9); ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        for (const char* n : {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"})
            plan.push_back({p + n + ".weight", {h, h}});
        plan.push_back({p + "mlp.gate_proj.weight", {ffn, h}});
        plan.push_back({p + "mlp.up_proj.weight", {ffn, h}});
        plan.push_back({p + "mlp.down_proj.weight", {h, ffn}});
        plan.push_back({p + "input_layernorm.weight", {h}});
        plan.push_back({p + "post_attention_layernorm.weight", {h}});
        bytes += (4 * h * h + 3 * ffn * h + 2 * h) * 4;
    }
    plan.push_back({"model.norm.weight", {h}});
    return plan;
}

// Writes one safetensors file; values(name, index, out, count) fills each tensor in chunks.
template <typename Fill>
void writeFile(const std::string& path, const std::vector<Planned>& plan, Fill fill)
{
    nlohmann::json header;
    uint64_t offset = 0;
    for (const Planned& t : plan) {
        const uint64_t size = static_cast<uint64_t>(t.numel()) * 4;
        header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + size}}};
        offset += size;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(path, std::ios::binary);
    const uint64_t length = text.size();
    out.write(reinterpret_cast<const char*>(&length), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    // safetensors orders data by offset = our plan order; nlohmann sorts header keys, which is fine.
    std::vector<float> chunk(1 << 20);
    for (std::size_t t = 0; t < plan.size(); ++t) {
        for (int64_t start = 0; start < plan[t].numel(); start += static_cast<int64_t>(chunk.size())) {
            const int64_t count = std::min<int64_t>(static_cast<int64_t>(chunk.size()), plan[t].numel() - start);
            fill(t, start, chunk.data(), count);
            out.write(reinterpret_cast<const char*>(chunk.data()), count * 4);
        }
    }
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

int make(const std::string& dir, double gb, int models)
{
    std::filesystem::create_directories(dir);
    const std::vector<Planned> plan = layout(gb);
    // θ0 ~ U(-0.05, 0.05) from a seed per tensor; τi = 1e-3 · (0.6 shared + 0.4 own): cosines ~0.7.
    auto base = [](std::size_t t, int64_t start, float* out, int64_t count) {
        Rng rng(t * 1000003 + static_cast<uint64_t>(start));
        for (int64_t k = 0; k < count; ++k)
            out[k] = 0.05f * rng.uniform();
    };
    writeFile(dir + "/base.safetensors", plan, base);
    std::fprintf(stderr, "wrote base\n");
    for (int m = 0; m < models; ++m) {
        writeFile(dir + "/ft_" + std::to_string(m) + ".safetensors", plan,
                  [&](std::size_t t, int64_t start, float* out, int64_t count) {
                      base(t, start, out, count);
                      Rng shared(t * 7919 + static_cast<uint64_t>(start) + 17);
                      Rng own((t * 7919 + static_cast<uint64_t>(start)) * 31 + static_cast<uint64_t>(m) + 99);
                      for (int64_t k = 0; k < count; ++k)
                          out[k] += 1e-3f * (0.6f * shared.uniform() + 0.4f * own.uniform());
                  });
        std::fprintf(stderr, "wrote ft_%d\n", m);
    }
    return 0;
}

int run(const std::string& basePath, const std::vector<std::string>& modelPaths, int threads)
{
    initTorchRuntime();
    AnalysisOptions options;
    options.threads = threads;
    uint64_t bytes = 0;
    for (const std::string& p : modelPaths)
        bytes += std::filesystem::file_size(p);
    bytes += std::filesystem::file_size(basePath);
    AnalysisJob job(basePath, modelPaths, {}, options);
    NullProgress progress;
    CancelToken cancel;
    const auto start = std::chrono::steady_clock::now();
    const JobResult result = runJob(job, progress, cancel);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.status != Status::Ok) {
        std::fprintf(stderr, "error: %s\n", result.message.c_str());
        return 1;
    }
    const AnalysisReport& r = job.report();
    std::printf("analysed %zu tensors, %lld parameters x %zu models in %.2f s (%.2f GB/s of input)\n", r.tensors.size(),
                static_cast<long long>(r.global.numel), modelPaths.size(), seconds,
                static_cast<double>(bytes) / seconds / 1e9);
    std::printf("cos[0][1] = %.4f, conflict rate = %.4f\n", r.global.cosine[0][1], r.global.conflictRate);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 2 && args[0] == "make") {
        double gb = 2;
        int models = 4;
        for (std::size_t i = 2; i + 1 < args.size(); i += 2) {
            if (args[i] == "--gb")
                gb = std::stod(args[i + 1]);
            else if (args[i] == "--models")
                models = std::stoi(args[i + 1]);
        }
        return make(args[1], gb, models);
    }
    if (args.size() >= 3 && args[0] == "run") {
        int threads = 0;
        std::vector<std::string> models;
        for (std::size_t i = 2; i < args.size(); ++i) {
            if (args[i] == "--threads" && i + 1 < args.size())
                threads = std::stoi(args[++i]);
            else
                models.push_back(args[i]);
        }
        return run(args[1], models, threads);
    }
    std::fprintf(stderr, "usage: bench_analyze make DIR [--gb 2] [--models 4] | run BASE MODEL... [--threads N]\n");
    return 2;
}
