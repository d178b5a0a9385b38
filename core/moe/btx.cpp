// BTX mix step, streaming: one tensor name at a time is read from every input.
#include "moe/btx.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "io/model_folder.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A dense MLP tensor: which block, which role, and its MoE name for expert `index`.
struct MlpTensor {
    std::string block; // "model.layers.3"
    std::string role;  // Mixtral / MoE ViT role: "w1.weight", "fc1.bias", ...
};

std::optional<MlpTensor> denseMlp(const std::string& name, MoeFamily& family)
{
    static const std::regex llama(R"(^(.+\.layers\.\d+)\.mlp\.(gate_proj|up_proj|down_proj)\.weight$)");
    static const std::regex clip(R"(^(.+\.layers\.\d+)\.mlp\.(fc1|fc2)\.(weight|bias)$)");
    std::smatch m;
    if (std::regex_match(name, m, llama)) {
        family = MoeFamily::Mixtral;
        const std::string p = m[2];
        return MlpTensor{m[1], (p == "gate_proj" ? "w1" : p == "down_proj" ? "w2" : "w3") + std::string(".weight")};
    }
    if (std::regex_match(name, m, clip)) {
        family = MoeFamily::MoeVit;
        return MlpTensor{m[1], std::string(m[2]) + "." + std::string(m[3])};
    }
    return std::nullopt;
}

std::string moeBlock(const std::string& block, MoeFamily family)
{
    return block + (family == MoeFamily::Mixtral ? ".block_sparse_moe" : ".moe");
}

} // namespace

BtxResult branchTrainMix(const std::string& basePath, const std::vector<std::string>& expertPaths,
                         const BtxOptions& options, const std::string& output, Progress& progress,
                         const CancelToken& cancel)
{
    if (expertPaths.empty())
        throw InputError("Branch-Train-MiX needs at least one fine-tuned model (--expert)");
    if (!options.configPath.empty() && !fs::exists(options.configPath))
        throw IoError(options.configPath, {}, "no such config file");
    const auto base = Checkpoint::open(basePath);
    std::vector<std::unique_ptr<Checkpoint>> models;
    for (const std::string& p : expertPaths)
        models.push_back(Checkpoint::open(p));
    const int experts = static_cast<int>(models.size()) + (options.includeBase ? 1 : 0);
    if (options.topK < 1 || options.topK > experts)
        throw InputError("--top-k " + std::to_string(options.topK) + " is out of range (1.." + std::to_string(experts) +
                         " experts)");

    // Same names and shapes everywhere; find the dense MLPs.
    MoeFamily family = MoeFamily::Generic;
    std::map<std::string, int64_t> hiddenOfBlock; // block -> router width
    for (const TensorInfo& t : base->tensors()) {
        for (const auto& m : models) {
            const TensorInfo* other = m->find(t.name);
            if (!other)
                throw InputError(m->path(), t.name, "missing (the base " + basePath + " has it)");
            if (other->shape != t.shape)
                throw InputError(m->path(), t.name,
                                 "shape " + other->shapeString() + " differs from the base's " + t.shapeString());
        }
        MoeFamily f = MoeFamily::Generic;
        if (auto mlp = denseMlp(t.name, f)) {
            if (family != MoeFamily::Generic && f != family)
                throw InputError(basePath, t.name, "mixes Llama and CLIP MLP names");
            family = f;
            if (mlp->role == "w1.weight" || mlp->role == "fc1.weight")
                hiddenOfBlock[mlp->block] = t.shape.at(1);
        }
    }
    for (const auto& m : models)
        if (m->tensors().size() != base->tensors().size())
            throw InputError(m->path(), {},
                             "has " + std::to_string(m->tensors().size()) + " tensors, the base " +
                                 std::to_string(base->tensors().size()));
    if (hiddenOfBlock.empty())
        throw InputError(basePath, {},
                         "no dense MLP found (expected Llama 'layers.N.mlp.gate_proj/up_proj/down_proj.weight' or "
                         "CLIP 'layers.N.mlp.fc1/fc2')");

    // The plan: MLP tensors fan out into experts, routers are added after each block's MLP.
    std::vector<TensorInfo> plan;
    std::map<std::string, bool> routerPlanned;
    for (const TensorInfo& t : base->tensors()) {
        MoeFamily f;
        auto mlp = denseMlp(t.name, f);
        if (!mlp) {
            plan.push_back(t);
            continue;
        }
        for (int e = 0; e < experts; ++e) {
            TensorInfo info = t;
            info.name = moeBlock(mlp->block, family) + ".experts." + std::to_string(e) + "." + mlp->role;
            plan.push_back(info);
        }
        if (!routerPlanned[mlp->block]) {
            routerPlanned[mlp->block] = true;
            TensorInfo router;
            router.name = moeBlock(mlp->block, family) + ".gate.weight";
            router.dtype = isFloating(t.dtype) ? t.dtype : DType::F32;
            router.shape = {experts, hiddenOfBlock.at(mlp->block)};
            router.byteSize = static_cast<uint64_t>(router.numel()) * dtypeSize(router.dtype);
            plan.push_back(router);
        }
    }
    WriteOptions write = options.write;
    write.protectedPaths.push_back(basePath);
    for (const std::string& p : expertPaths)
        write.protectedPaths.push_back(p);
    json record = {{"base", basePath},
                   {"experts", expertPaths},
                   {"include_base", options.includeBase},
                   {"top_k", options.topK},
                   {"router", options.routers.empty() ? "random" : "given"},
                   {"router_std", options.routerStd},
                   {"seed", options.seed}};
    write.metadata["mergelab_btx"] = record.dump();
    auto writer = CheckpointWriter::create(output, plan, write);

    BtxResult result;
    result.family = family;
    result.experts = experts;
    result.topK = options.topK;
    result.layers = static_cast<int>(hiddenOfBlock.size());
    for (const TensorInfo& t : plan)
        result.parameters += t.numel();

    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    const double total = static_cast<double>(base->tensors().size());
    double done = 0;
    try {
        for (const TensorInfo& t : base->tensors()) {
            throwIfCancelled(cancel);
            MoeFamily f;
            auto mlp = denseMlp(t.name, f);
            if (!mlp) {
                if (!isFloating(t.dtype)) { // ids, masks: the base's
                    writer->write(base->read(t.name));
                } else { // mix: average of the fine-tunes
                    at::Tensor sum;
                    for (const auto& m : models) {
                        at::Tensor x = toTorch(m->read(t.name)).to(at::kFloat);
                        sum = sum.defined() ? sum.add_(x) : x.clone();
                    }
                    writer->write(fromTorch(t.name, sum / static_cast<double>(models.size()), t.dtype));
                }
                progress.update(++done, total, t.name);
                continue;
            }
            const std::string prefix = moeBlock(mlp->block, family) + ".experts.";
            int e = 0;
            if (options.includeBase) {
                TensorData bytes = base->read(t.name);
                TensorInfo info = bytes.info();
                info.name = prefix + "0." + mlp->role;
                auto trained = options.expertOverrides.find(info.name);
                if (trained != options.expertOverrides.end())
                    writer->write(fromTorch(info.name, trained->second, info.dtype));
                else
                    writer->write(TensorData(info, bytes.owner(), bytes.data()));
                e = 1;
            }
            for (const auto& m : models) {
                TensorData bytes = m->read(t.name);
                TensorInfo info = bytes.info();
                info.name = prefix + std::to_string(e++) + "." + mlp->role;
                auto trained = options.expertOverrides.find(info.name);
                if (trained != options.expertOverrides.end()) {
                    if (!trained->second.sizes().equals(toTorch(bytes).sizes()))
                        throw InputError({}, info.name, "trained expert tensor has the wrong shape");
                    writer->write(fromTorch(info.name, trained->second, info.dtype));
                } else {
                    writer->write(TensorData(info, bytes.owner(), bytes.data()));
                }
            }
            if (mlp->role == "w1.weight" || mlp->role == "fc1.weight") {
                const int64_t hidden = hiddenOfBlock.at(mlp->block);
                const std::string routerName = moeBlock(mlp->block, family) + ".gate.weight";
                at::Tensor router =
                    at::randn({experts, hidden}, gen, at::TensorOptions().dtype(at::kFloat)) * options.routerStd;
                auto given = options.routers.find(routerName);
                if (given != options.routers.end()) {
                    if (given->second.dim() != 2 || given->second.size(0) != experts || given->second.size(1) != hidden)
                        throw InputError({}, routerName,
                                         "initial router of shape " + std::string(c10::str(given->second.sizes())) +
                                             ", expected [" + std::to_string(experts) + ", " + std::to_string(hidden) +
                                             "]");
                    router = given->second.to(at::kFloat);
                }
                writer->write(fromTorch(routerName, router, isFloating(t.dtype) ? t.dtype : DType::F32));
            }
            progress.update(++done, total, t.name);
        }
    } catch (const c10::Error& e) {
        throw FormatError(basePath, {}, std::string("Branch-Train-MiX failed: ") + e.what_without_backtrace());
    }
    throwIfCancelled(cancel);
    result.path = writer->commit();

    const fs::path configPath =
        options.configPath.empty() ? fs::path(base->folder()) / "config.json" : fs::path(options.configPath);

    json config = readJsonFileIfPresent(configPath.string(), "config");
    if (fs::is_directory(result.path) && config.is_object()) {
        if (family == MoeFamily::Mixtral) {
            config["model_type"] = "mixtral";
            config["architectures"] = {"MixtralForCausalLM"};
        } else {
            config["model_type"] = "mergelab_moe_vit";
            config["architectures"] = {"MergeLabMoeVit"};
        }
        config["num_local_experts"] = experts;
        config["num_experts_per_tok"] = options.topK;
        writeFileAtomically((fs::path(result.path) / "config.json").string(), config.dump(2) + "\n");
    }
    // The base's tokenizer and generation files: the MoE reads text as the base does.
    if (fs::is_directory(result.path))
        copyModelSideFiles(base->folder(), result.path, {"config.json"});
    return result;
}

} // namespace mergelab
