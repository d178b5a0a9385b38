// The one-pass analysis: plans which tensors can be compared, runs the per-tensor kernel on a few
// worker threads, and folds per-tensor sums into layers and the whole model (in tensor order, so
// results do not depend on thread timing).
#include "analysis/task_vector_analysis.h"

#include "analysis/tensor_kernel.h"
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/page_release.h"
#include "jobs/task_pool.h"
#include "merge/layer_index.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <thread>

namespace mergelab {

namespace {

struct PlannedTensor {
    const TensorInfo* info = nullptr; // in the base checkpoint
    int layer = -1;
};

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// Why a base tensor cannot be compared across all models ("" when it can).
std::string skipReason(const TensorInfo& info, const std::vector<const Checkpoint*>& models,
                       const std::vector<std::string>& names)
{
    if (!isFloating(info.dtype))
        return std::string("not a floating-point tensor (") + dtypeName(info.dtype) + " in base)";
    std::vector<std::string> missing;
    for (std::size_t m = 0; m < models.size(); ++m)
        if (!models[m]->find(info.name))
            missing.push_back(names[m]);
    if (!missing.empty())
        return "missing in " + joinNames(missing);
    for (std::size_t m = 0; m < models.size(); ++m) {
        const TensorInfo* other = models[m]->find(info.name);
        if (other->shape != info.shape)
            return "shape " + other->shapeString() + " in " + names[m] + " differs from base " + info.shapeString();
        if (!isFloating(other->dtype))
            return std::string("not a floating-point tensor (") + dtypeName(other->dtype) + " in " + names[m] + ")";
    }
    return {};
}

void validate(const std::vector<const Checkpoint*>& models, const std::vector<std::string>& names,
              const AnalysisOptions& options)
{
    if (models.empty())
        throw InputError("analysis needs at least one fine-tuned model");
    if (models.size() > 32)
        throw InputError("analysis supports at most 32 models, got " + std::to_string(models.size()));
    if (names.size() != models.size())
        throw InputError("got " + std::to_string(names.size()) + " names for " + std::to_string(models.size()) +
                         " models");
    if (!(options.density > 0.0 && options.density <= 1.0))
        throw InputError("density must be in (0, 1], got " + std::to_string(options.density));
    if (options.bins < 1 || options.bins > 1000000)
        throw InputError("bins must be between 1 and 1000000, got " + std::to_string(options.bins));
    if (!(options.histogramQuantile > 0.0 && options.histogramQuantile <= 1.0))
        throw InputError("histogram quantile must be in (0, 1]");
}

// Per-worker state: scratch memory and histogram sums.
struct Worker {
    KernelWorkspace workspace;
    std::vector<FineHistogram> histograms;
};

} // namespace

std::vector<std::string> defaultModelNames(const std::vector<std::string>& paths)
{
    namespace fs = std::filesystem;
    std::vector<std::string> names;
    std::set<std::string> used;
    for (const std::string& p : paths) {
        fs::path path(p);
        while (!path.empty() && path.filename().empty())
            path = path.parent_path(); // trailing slash
        std::string stem = path.stem().string();
        if (path.filename().string() == "model.safetensors" || path.filename().string() == "pytorch_model.bin" ||
            path.filename().string() == "model.h5")
            stem = path.parent_path().filename().string();
        if (stem.empty())
            stem = "model";
        std::string name = stem;
        for (int i = 2; used.count(name); ++i)
            name = stem + "_" + std::to_string(i);
        used.insert(name);
        names.push_back(name);
    }
    return names;
}

AnalysisReport analyzeTaskVectors(const Checkpoint& base, const std::vector<const Checkpoint*>& models,
                                  const std::vector<std::string>& names, const AnalysisOptions& options,
                                  Progress& progress, const CancelToken& cancel)
{
    validate(models, names, options);
    const int T = static_cast<int>(models.size());
    const LayerIndexParser layers =
        options.layerPatterns.empty() ? LayerIndexParser() : LayerIndexParser(options.layerPatterns);

    AnalysisReport report;
    report.models = names;
    report.basePath = base.path();
    for (const Checkpoint* m : models)
        report.modelPaths.push_back(m->path());
    report.density = options.density;

    // Plan: base tensors comparable in every model; everything else is skipped with a reason.
    std::vector<PlannedTensor> plan;
    for (const TensorInfo& info : base.tensors()) {
        std::string reason = skipReason(info, models, names);
        if (!reason.empty()) {
            report.skipped.push_back({info.name, std::move(reason)});
            continue;
        }
        plan.push_back({&info, layers.layerOf(info.name).value_or(-1)});
    }
    std::map<std::string, std::vector<std::string>> notInBase;
    std::vector<std::string> notInBaseOrder;
    for (int m = 0; m < T; ++m)
        for (const TensorInfo& info : models[m]->tensors())
            if (!base.find(info.name)) {
                auto& list = notInBase[info.name];
                if (list.empty())
                    notInBaseOrder.push_back(info.name);
                list.push_back(names[m]);
            }
    for (const std::string& name : notInBaseOrder)
        report.skipped.push_back({name, "not in base (only in " + joinNames(notInBase[name]) + ")"});

    // Work: `threads` workers pull tensors in file order, so reads stay roughly sequential.
    const int threads =
        std::clamp(options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
    const int workerCount = std::max(1, std::min<int>(threads, static_cast<int>(plan.size())));
    std::vector<StatsAccumulator> perTensor(plan.size(), StatsAccumulator(T));
    std::vector<Worker> workers(static_cast<std::size_t>(workerCount));
    for (Worker& w : workers)
        w.histograms.assign(static_cast<std::size_t>(T), FineHistogram());
    const KernelOptions kernel{options.density, options.exactSelectionMaxNumel};
    std::atomic<std::size_t> done{0};
    const double total = static_cast<double>(plan.size());
    progress.update(0, total, "analysing " + std::to_string(plan.size()) + " tensors");

    ParallelOptions pool;
    pool.workers = workerCount;
    try {
        parallelFor(
            plan.size(),
            [&](std::size_t index, int w) {
                Worker& worker = workers[static_cast<std::size_t>(w)];
                const TensorInfo& info = *plan[index].info;
                TensorData baseData = base.read(info.name);
                std::vector<TensorData> modelData;
                modelData.reserve(models.size());
                for (const Checkpoint* m : models)
                    modelData.push_back(m->read(info.name));
                accumulateTensor(baseData, modelData, kernel, worker.workspace, perTensor[index], worker.histograms);
                // Memory stays bounded by the tensors in flight, not by model size.
                releaseInputPages(baseData);
                for (const TensorData& d : modelData)
                    releaseInputPages(d);
                progress.update(static_cast<double>(done.fetch_add(1) + 1), total, info.name);
            },
            cancel, pool);
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(base.path(), {}, std::string("analysis failed: ") + e.what());
    }
    throwIfCancelled(cancel);

    // Fold tensors into layers and the whole model, in tensor order.
    StatsAccumulator global(T);
    std::map<int, StatsAccumulator> layerSums;
    std::map<int, int> layerCounts;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const PlannedTensor& p = plan[i];
        global.add(perTensor[i]);
        auto it = layerSums.try_emplace(p.layer, T).first;
        it->second.add(perTensor[i]);
        ++layerCounts[p.layer];
        TensorReport t;
        t.name = p.info->name;
        t.layer = p.layer;
        t.shape = p.info->shape;
        t.dtype = dtypeName(p.info->dtype);
        t.stats = perTensor[i].finalize();
        report.tensors.push_back(std::move(t));
    }
    report.global = global.finalize();
    for (const auto& [layer, sum] : layerSums)
        report.layers.push_back({layer, layerCounts[layer], sum.finalize()});

    std::vector<FineHistogram> histograms(static_cast<std::size_t>(T));
    for (const Worker& w : workers)
        for (int m = 0; m < T; ++m)
            histograms[m].add(w.histograms[m]);
    report.histograms = makeHistogramReport(histograms, options.bins, options.histogramQuantile);
    progress.update(total, total, "analysis done");
    return report;
}

AnalysisJob::AnalysisJob(std::string basePath, std::vector<std::string> modelPaths, std::vector<std::string> names,
                         AnalysisOptions options)
    : m_basePath(std::move(basePath)), m_modelPaths(std::move(modelPaths)), m_names(std::move(names)),
      m_options(std::move(options))
{}

void AnalysisJob::run(Progress& progress, const CancelToken& cancel)
{
    if (m_names.empty())
        m_names = defaultModelNames(m_modelPaths);
    if (m_names.size() != m_modelPaths.size())
        throw InputError("got " + std::to_string(m_names.size()) + " names for " + std::to_string(m_modelPaths.size()) +
                         " models");
    progress.update(0, 1, "opening checkpoints");
    std::unique_ptr<Checkpoint> base = Checkpoint::open(m_basePath);
    std::vector<std::unique_ptr<Checkpoint>> models;
    std::vector<const Checkpoint*> pointers;
    for (const std::string& path : m_modelPaths) {
        throwIfCancelled(cancel);
        models.push_back(Checkpoint::open(path));
        pointers.push_back(models.back().get());
    }
    m_report = analyzeTaskVectors(*base, pointers, m_names, m_options, progress, cancel);
}

} // namespace mergelab
