// mergelab-cli inspect: what a checkpoint holds (format, tensors, totals, metadata), as text or JSON.
#include "cli/cli_verb.h"

#include "io/checkpoint.h"
#include "common/error.h"
#include "moe/moe_layout.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

namespace mergelab::cli {

namespace {

std::string humanBytes(uint64_t bytes)
{
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000.0 && unit < 4) {
        value /= 1000.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.2f %s", value, units[unit]);
    return text;
}

std::optional<MoeLayout> moeLayoutOf(const Checkpoint& cp, std::string* problem);

void printJson(const Checkpoint& cp)
{
    nlohmann::ordered_json out;
    out["path"] = cp.path();
    out["format"] = cp.format();
    out["tensors"] = nlohmann::ordered_json::array();
    for (const TensorInfo& t : cp.tensors())
        out["tensors"].push_back(
            {{"name", t.name}, {"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"bytes", t.byteSize}});
    out["parameter_count"] = cp.parameterCount();
    out["total_bytes"] = cp.totalBytes();
    out["metadata"] = nlohmann::ordered_json::object();
    for (const auto& [key, value] : cp.metadata())
        out["metadata"][key] = value;
    std::string moeProblem;
    if (const auto moe = moeLayoutOf(cp, &moeProblem)) { // experts per layer and top-k of MoE checkpoints
        nlohmann::ordered_json layers = nlohmann::ordered_json::array();
        for (const MoeLayer& l : moe->layers)
            layers.push_back({{"layer", l.layer}, {"experts", l.experts.size()}, {"router", l.router}});
        out["moe"] = {{"family", moeFamilyName(moe->family)},
                      {"num_experts", moe->numExperts},
                      {"top_k", moe->topK},
                      {"expert_parameters", moe->expertParameters},
                      {"layers", layers},
                      {"summary", moeSummaryLine(*moe)}};
    } else if (!moeProblem.empty()) {
        out["moe"] = {{"error", moeProblem}};
    }
    std::cout << out.dump(2) << std::endl;
}

void printText(const Checkpoint& cp)
{
    std::size_t nameWidth = 4, shapeWidth = 5;
    for (const TensorInfo& t : cp.tensors()) {
        nameWidth = std::max(nameWidth, t.name.size());
        shapeWidth = std::max(shapeWidth, t.shapeString().size());
    }
    std::printf("path:       %s\n", cp.path().c_str());
    std::printf("format:     %s\n", cp.format().c_str());
    std::printf("tensors:    %zu\n", cp.tensors().size());
    std::printf("parameters: %lld\n", static_cast<long long>(cp.parameterCount()));
    std::printf("bytes:      %llu (%s)\n", static_cast<unsigned long long>(cp.totalBytes()),
                humanBytes(cp.totalBytes()).c_str());
    std::string moeProblem;
    if (const auto moe = moeLayoutOf(cp, &moeProblem)) // experts per layer and top-k of MoE checkpoints
        std::printf("%s\n", moeSummaryLine(*moe).c_str());
    else if (!moeProblem.empty())
        std::printf("MoE:        not usable (%s)\n", moeProblem.c_str());
    if (!cp.metadata().empty()) {
        std::printf("metadata:\n");
        for (const auto& [key, value] : cp.metadata())
            std::printf("  %s = %s\n", key.c_str(), value.c_str());
    }
    std::printf("\n%-*s  %-5s  %-*s  %s\n", static_cast<int>(nameWidth), "name", "dtype", static_cast<int>(shapeWidth),
                "shape", "bytes");
    for (const TensorInfo& t : cp.tensors())
        std::printf("%-*s  %-5s  %-*s  %llu\n", static_cast<int>(nameWidth), t.name.c_str(), dtypeName(t.dtype),
                    static_cast<int>(shapeWidth), t.shapeString().c_str(), static_cast<unsigned long long>(t.byteSize));
}

// The MoE layout when the checkpoint has one; an inconsistent MoE does not stop inspect, it is noted.
std::optional<MoeLayout> moeLayoutOf(const Checkpoint& cp, std::string* problem)
{
    try {
        return tryDetectMoeLayout(cp);
    } catch (const Error& e) {
        *problem = e.what();
        return std::nullopt;
    }
}

struct InspectArgs {
    std::string path;
    bool json = false;
};

} // namespace

static const bool registered = registerVerb("inspect", [](CLI::App& app) {
    auto args = std::make_shared<InspectArgs>();
    auto* sub = app.add_subcommand("inspect",
                                   "Show a checkpoint's format, tensors (name, dtype, shape, bytes), parameter count, "
                                   "total bytes and metadata. Reads only the index, never the tensor data.");
    sub->add_option("path", args->path,
                    "Checkpoint file (.safetensors, .bin/.pt/.pth, TorchScript .pt, .h5) or Hugging Face folder "
                    "(model.safetensors, shards + model.safetensors.index.json, pytorch_model.bin)")
        ->required();
    sub->add_flag("--json", args->json,
                  "Print one JSON object {path, format, tensors: [{name, dtype, shape, bytes}], parameter_count, "
                  "total_bytes, metadata}");
    sub->footer("Examples:\n  mergelab-cli inspect model.safetensors\n  mergelab-cli inspect ./llama-folder --json");
    return std::function<int()>([args] {
        const auto checkpoint = Checkpoint::open(args->path);
        if (args->json)
            printJson(*checkpoint);
        else
            printText(*checkpoint);
        return kExitOk;
    });
});

} // namespace mergelab::cli
