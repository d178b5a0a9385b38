// Merge-to-K: plan the groups, write every other tensor unchanged, merge experts and router rows.
#include "moe/expert_merge.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/checkpoint.h"
#include "io/model_folder.h"
#include "io/torch_tensor.h"
#include "moe/expert_similarity.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void validateGroups(const std::vector<std::vector<int>>& groups, int experts, const std::string& file, int layer,
                    bool allowDropped)
{
    std::vector<int> seen(static_cast<std::size_t>(experts), 0);
    for (const auto& g : groups) {
        if (g.empty())
            throw InputError(file, {}, "layer " + std::to_string(layer) + ": an expert group is empty");
        for (int e : g) {
            if (e < 0 || e >= experts)
                throw InputError(file, {},
                                 "layer " + std::to_string(layer) + ": expert " + std::to_string(e) +
                                     " does not exist (0.." + std::to_string(experts - 1) + ")");
            ++seen[static_cast<std::size_t>(e)];
        }
    }
    for (int e = 0; e < experts; ++e)
        if (seen[static_cast<std::size_t>(e)] > 1 || (!allowDropped && seen[static_cast<std::size_t>(e)] == 0))
            throw InputError(file, {},
                             "layer " + std::to_string(layer) + ": expert " + std::to_string(e) +
                                 (seen[static_cast<std::size_t>(e)] ? " is in several groups" : " is in no group"));
}

std::string expertName(const MoeLayer& layer, int index, std::size_t role)
{
    return layer.prefix + ".experts." + std::to_string(index) + "." + layer.roles[role];
}

void writeTextFile(const fs::path& path, const std::string& text)
{
    writeFileAtomically(path.string(), text);
}

} // namespace

std::map<int, std::vector<std::vector<int>>> planExpertGroups(const Checkpoint& checkpoint, const MoeLayout& layout,
                                                              const ExpertMergeOptions& options,
                                                              const CancelToken* cancel)
{
    const int experts = layout.numExperts;
    if (options.targetExperts < 1 || options.targetExperts > experts)
        throw InputError(checkpoint.path(), {},
                         "--merge-to " + std::to_string(options.targetExperts) + " is out of range (the model has " +
                             std::to_string(experts) + " experts per layer; expected 1.." + std::to_string(experts) +
                             ")");
    std::map<int, std::vector<std::vector<int>>> plan;
    for (const MoeLayer& layer : layout.layers) {
        auto given = options.groups.find(layer.layer);
        std::vector<std::vector<int>> groups;
        if (given != options.groups.end()) {
            groups = given->second;
        } else {
            const ExpertSimilarity sim = weightSimilarity(checkpoint, layer, cancel);
            groups = groupsFromLabels(cutToCount(averageLinkage(sim.weights, experts), experts, options.targetExperts));
        }
        validateGroups(groups, experts, checkpoint.path(), layer.layer, options.dropUngrouped);
        if (static_cast<int>(groups.size()) != options.targetExperts)
            throw InputError(checkpoint.path(), {},
                             "layer " + std::to_string(layer.layer) + ": " + std::to_string(groups.size()) +
                                 " groups given, expected " + std::to_string(options.targetExperts));
        plan[layer.layer] = std::move(groups);
    }
    return plan;
}

ExpertMergeResult mergeExperts(const Checkpoint& checkpoint, const MoeLayout& layout, const ExpertMergeOptions& options,
                               const std::string& output, Progress& progress, const CancelToken& cancel)
{
    const std::string& file = checkpoint.path();
    const auto groups = planExpertGroups(checkpoint, layout, options, &cancel);
    const int k = options.targetExperts;
    if (options.usageWeighted || options.router == RouterRule::Usage)
        for (const MoeLayer& layer : layout.layers) {
            auto it = options.usage.find(layer.layer);
            if (it == options.usage.end() || it->second.size() != layer.experts.size())
                throw InputError(file, layer.prefix,
                                 "usage-weighted merging needs the routing usage of every expert (give --data)");
        }

    // The output plan: MoE tensors of a layer are replaced, in place, by its K merged experts.
    std::set<std::string> replaced;
    std::map<std::string, const MoeLayer*> firstTensorOfLayer;
    for (const MoeLayer& layer : layout.layers) {
        replaced.insert(layer.router);
        for (const MoeExpert& e : layer.experts)
            replaced.insert(e.tensors.begin(), e.tensors.end());
    }
    std::vector<TensorInfo> plan;
    std::set<const MoeLayer*> planned;
    auto layerOfTensor = [&](const std::string& name) -> const MoeLayer* {
        for (const MoeLayer& layer : layout.layers)
            if (name.compare(0, layer.prefix.size() + 1, layer.prefix + ".") == 0)
                return &layer;
        return nullptr;
    };
    for (const TensorInfo& t : checkpoint.tensors()) {
        if (!replaced.count(t.name)) {
            plan.push_back(t);
            continue;
        }
        const MoeLayer* layer = layerOfTensor(t.name);
        if (!layer || planned.count(layer))
            continue;
        planned.insert(layer);
        TensorInfo router = *checkpoint.find(layer->router);
        router.shape[0] = k;
        router.byteSize = static_cast<uint64_t>(router.numel()) * dtypeSize(router.dtype);
        plan.push_back(router);
        for (int g = 0; g < k; ++g)
            for (std::size_t r = 0; r < layer->roles.size(); ++r) {
                TensorInfo info = *checkpoint.find(layer->experts.front().tensors[r]);
                info.name = expertName(*layer, g, r);
                plan.push_back(info);
            }
    }

    json record = {{"source", file},
                   {"experts_before", layout.numExperts},
                   {"experts_after", k},
                   {"dropped_ungrouped", options.dropUngrouped},
                   {"router_rule", routerRuleName(options.router)},
                   {"average", options.usageWeighted ? "usage" : "plain"}};
    for (const auto& [layer, g] : groups)
        record["groups"][std::to_string(layer)] = g;
    WriteOptions write = options.write;
    write.protectedPaths.push_back(file);
    write.metadata["mergelab_moe_merge"] = record.dump();
    auto writer = CheckpointWriter::create(output, plan, write);

    ExpertMergeResult result;
    result.expertsBefore = layout.numExperts;
    result.expertsAfter = k;
    result.topKBefore = layout.topK;
    result.topKAfter = std::min(layout.topK, k);
    result.parametersBefore = layout.totalParameters;
    result.parametersAfter = 0;
    for (const TensorInfo& t : plan)
        result.parametersAfter += t.numel();

    const double total = static_cast<double>(checkpoint.tensors().size());
    double done = 0;
    // Unchanged tensors.
    for (const TensorInfo& t : checkpoint.tensors()) {
        if (replaced.count(t.name))
            continue;
        throwIfCancelled(cancel);
        writer->write(checkpoint.read(t.name));
        progress.update(++done, total, t.name);
    }
    // Merged experts and routers, one layer at a time.
    try {
        for (const MoeLayer& layer : layout.layers) {
            const auto& layerGroups = groups.at(layer.layer);
            const std::vector<double>* usage =
                options.usage.count(layer.layer) ? &options.usage.at(layer.layer) : nullptr;
            for (int g = 0; g < k; ++g) {
                const auto& members = layerGroups[static_cast<std::size_t>(g)];
                std::vector<double> weights;
                double weightSum = 0;
                for (int e : members) {
                    const double w = options.usageWeighted ? (*usage)[static_cast<std::size_t>(e)] : 1.0;
                    weights.push_back(w);
                    weightSum += w;
                }
                if (weightSum <= 0) { // nobody routed to this group: plain average
                    std::fill(weights.begin(), weights.end(), 1.0);
                    weightSum = static_cast<double>(weights.size());
                }
                for (std::size_t r = 0; r < layer.roles.size(); ++r) {
                    throwIfCancelled(cancel);
                    at::Tensor sum;
                    DType dtype = DType::F32;
                    for (std::size_t m = 0; m < members.size(); ++m) {
                        const TensorData bytes =
                            checkpoint.read(layer.experts[static_cast<std::size_t>(members[m])].tensors[r]);
                        dtype = bytes.info().dtype;
                        at::Tensor x = toTorch(bytes).to(at::kFloat) * (weights[m] / weightSum);
                        sum = sum.defined() ? sum.add_(x) : x;
                    }
                    writer->write(fromTorch(expertName(layer, g, r), sum, dtype));
                    done += static_cast<double>(members.size());
                    progress.update(std::min(done, total), total, expertName(layer, g, r));
                }
            }
            const TensorData routerBytes = checkpoint.read(layer.router);
            at::Tensor router = toTorch(routerBytes).to(at::kFloat);
            const int64_t hidden = router.size(1);
            const int64_t n =
                options.calibrationInputs > 0 ? options.calibrationInputs : std::max<int64_t>(2 * hidden, 2048);
            at::Tensor fitInputs, testInputs;
            auto recorded = options.routerInputs.find(layer.layer);
            if (recorded != options.routerInputs.end() && recorded->second.size(0) >= 2) {
                // Real router inputs: fit on the even rows, measure on the odd ones.
                const at::Tensor& x = recorded->second;
                fitInputs = x.index_select(0, at::arange(0, x.size(0), 2));
                testInputs = x.index_select(0, at::arange(1, x.size(0), 2));
            } else {
                fitInputs = proxyRouterInputs(n, hidden, options.seed);
                testInputs = proxyRouterInputs(n, hidden, options.seed + 1);
            }
            at::Tensor merged =
                mergeRouterRows(router, layerGroups, options.router, usage ? *usage : std::vector<double>{}, fitInputs);
            writer->write(fromTorch(layer.router, merged, routerBytes.info().dtype));
            progress.update(++done, total, layer.router);
            LayerMergeReport report;
            report.layer = layer.layer;
            report.groups = layerGroups;
            report.routerMassError = routerMassError(router, layerGroups, merged, testInputs);
            report.routerTop1Agreement = routerTop1Agreement(router, layerGroups, merged, testInputs);
            result.layers.push_back(std::move(report));
        }
    } catch (const c10::Error& e) {
        throw FormatError(file, {}, std::string("merging experts failed: ") + e.what_without_backtrace());
    }
    throwIfCancelled(cancel);
    result.path = writer->commit();

    // config.json and tokenizer files travel with a folder output.
    if (fs::is_directory(result.path) && !layout.configPath.empty()) {
        json config = layout.config;
        config[layout.expertCountKey] = k;
        if (config.contains("num_experts_per_tok"))
            config["num_experts_per_tok"] = result.topKAfter;
        writeTextFile(fs::path(result.path) / "config.json", config.dump(2) + "\n");
        copyModelSideFiles(fs::path(layout.configPath).parent_path().string(), result.path, {"config.json"});
    } else if (!layout.configPath.empty()) {
        progress.log("note: output is a single file, config.json was not written (its expert count is now " +
                     std::to_string(k) + ")");
    }
    return result;
}

} // namespace mergelab
