// Merging one planned tensor, and the in-memory merge built on it.
#include "merge/merge_engine.h"

#include "common/error.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "io/page_release.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace mergelab {

MergeSources openSources(const Recipe& recipe)
{
    MergeSources s;
    if (!recipe.base.empty())
        s.base = Checkpoint::open(recipe.base);
    for (const RecipeModel& m : recipe.models) {
        if (!recipe.base.empty() && m.path == recipe.base)
            s.models.push_back(s.base); // linear may list the base among its models
        else
            s.models.push_back(Checkpoint::open(m.path));
    }
    return s;
}

void NonFiniteCounter::add(const std::string& file, const std::string& tensor, int64_t count)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_total += count;
    m_lines.push_back(file + ": " + tensor + ": " + std::to_string(count) + " NaN/Inf values");
}

std::vector<std::string> NonFiniteCounter::warnings() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lines;
}

int64_t NonFiniteCounter::total() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_total;
}

namespace {

// A private float32 copy of an input tensor (methods may overwrite it), its NaN/Inf counted.
at::Tensor float32Copy(const TensorData& data, const std::string& file, const MergePlan& plan,
                       NonFiniteCounter& nonFinite)
{
    at::Tensor t = toTorch(data).to(at::kFloat, /*non_blocking=*/false, /*copy=*/true);
    const int64_t bad = t.numel() - at::isfinite(t).sum().item<int64_t>();
    if (bad > 0) {
        if (plan.options().strict)
            throw InputError(file, data.info().name, std::to_string(bad) + " NaN/Inf values (--strict refuses them)");
        nonFinite.add(file, data.info().name, bad);
    }
    return t;
}

std::string firstLine(const char* text)
{
    std::string s = text;
    if (auto nl = s.find('\n'); nl != std::string::npos)
        s.resize(nl);
    return s;
}

} // namespace

at::Tensor MergePlan::mergeTensor(const PlannedTensor& tensor, NonFiniteCounter& nonFinite) const
{
    const std::string& name = tensor.output.name;
    try {
        c10::InferenceMode inference;
        const Checkpoint* reference = m_sources.base ? m_sources.base.get() : m_sources.models.front().get();
        if (tensor.copy)
            return toTorch(reference->read(name)).clone();

        const bool anyMissing = std::count(tensor.missing.begin(), tensor.missing.end(), true) > 0;
        const bool noModels = m_sources.models.empty();
        TensorData baseData;
        at::Tensor base;
        if (m_sources.base && (m_method->needsBase() || anyMissing || noModels)) {
            baseData = m_sources.base->read(name);
            base = float32Copy(baseData, m_sources.base->path(), *this, nonFinite);
        }
        std::vector<at::Tensor> models;
        for (std::size_t i = 0; i < m_sources.models.size(); ++i) {
            if (tensor.missing[i]) {
                if (base.defined())
                    models.push_back(base.clone());
                continue;
            }
            const Checkpoint& model = *m_sources.models[i];
            const TensorData data = model.read(name);
            models.push_back(float32Copy(data, model.path(), *this, nonFinite));
            releaseInputPages(data);
        }
        at::Tensor merged = m_method->merge(name, base, models, paramsFor(tensor));
        if (baseData.data())
            releaseInputPages(baseData);
        if (merged.scalar_type() != at::kFloat)
            merged = merged.to(at::kFloat);
        return merged.contiguous();
    } catch (const Error& e) {
        if (!e.tensor().empty())
            throw;
        throw InputError(e.file(), name, e.detail());
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw Error({}, name, m_method->name() + ": " + firstLine(e.what()));
    }
}

std::map<std::string, at::Tensor> mergeInMemory(const Recipe& recipe, const MergeSources& sources,
                                                const InMemoryMergeOptions& options, Progress* progress,
                                                const CancelToken* cancel)
{
    MergeOptions planOptions;
    planOptions.allowMissing = options.allowMissing;
    planOptions.filter = options.filter;
    planOptions.threads = 1;
    const MergePlan plan(recipe, sources, planOptions);
    NonFiniteCounter nonFinite;
    std::map<std::string, at::Tensor> out;
    const auto total = static_cast<double>(plan.tensors().size());
    double done = 0;
    for (const PlannedTensor& t : plan.tensors()) {
        if (cancel)
            throwIfCancelled(*cancel);
        if (progress)
            progress->update(done, total, t.output.name);
        at::Tensor merged = plan.mergeTensor(t, nonFinite);
        if (!options.float32 && !t.copy)
            merged = merged.to(toScalarType(t.output.dtype));
        out.emplace(t.output.name, std::move(merged));
        done += 1;
    }
    if (progress) {
        for (const std::string& w : plan.warnings())
            progress->log("warning: " + w);
        for (const std::string& w : nonFinite.warnings())
            progress->log("warning: " + w);
        progress->update(total, total, "merged");
    }
    return out;
}

std::map<std::string, at::Tensor> mergeInMemory(const Recipe& recipe, const InMemoryMergeOptions& options,
                                                Progress* progress, const CancelToken* cancel)
{
    return mergeInMemory(recipe, openSources(recipe), options, progress, cancel);
}

} // namespace mergelab
