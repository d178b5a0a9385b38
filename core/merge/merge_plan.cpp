// MergePlan: everything that can be checked before a tensor is merged, and the per-tensor parameters.
#include "merge/merge_engine.h"

#include "common/error.h"
#include "merge/layer_index.h"

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

namespace mergelab {

namespace {

std::string modelLabel(const MergeSources& s, std::size_t i)
{
    return "model " + std::to_string(i + 1) + " (" + s.models[i]->path() + ")";
}

// Tensors outside the layer stack: embeddings come first in depth (t = 0, mergekit's pre_weights),
// everything else (final norm, lm_head, classifier) last (t = 1, post_weights).
double depthWithoutLayer(const std::string& name)
{
    static const std::regex early(
        R"((embed|wte|wpe|tok_embeddings|word_embeddings|position_embedding|cls_token|patch_embed|pos_embed))");
    return std::regex_search(name, early) ? 0.0 : 1.0;
}

std::string bytesText(uint64_t b)
{
    std::ostringstream o;
    o.precision(3);
    if (b >= (1ull << 30))
        o << static_cast<double>(b) / (1ull << 30) << " GiB";
    else if (b >= (1ull << 20))
        o << static_cast<double>(b) / (1ull << 20) << " MiB";
    else
        o << b << " B";
    return o.str();
}

constexpr uint64_t kRuntimeBytes = 150ull << 20; // LibTorch + process baseline, measured

} // namespace

MergePlan::MergePlan(Recipe recipe, MergeSources sources, MergeOptions options)
    : m_recipe(std::move(recipe)), m_sources(std::move(sources)), m_options(std::move(options))
{
    validateRecipe(m_recipe);
    m_method = findMethod(m_recipe.method);
    if (m_sources.models.size() != m_recipe.models.size())
        throw InputError("merge plan: " + std::to_string(m_recipe.models.size()) + " models in the recipe but " +
                         std::to_string(m_sources.models.size()) + " opened");
    for (const auto& m : m_sources.models)
        if (!m)
            throw InputError("merge plan: a model checkpoint is not open");
    if (m_method->needsBase() && !m_sources.base)
        throw InputError(m_recipe.method + " needs a base model");
    const Checkpoint* reference =
        m_sources.base ? m_sources.base.get() : (m_sources.models.empty() ? nullptr : m_sources.models[0].get());
    if (!reference)
        throw InputError(m_recipe.method + ": nothing to merge (no base and no models)");

    const LayerIndexParser layers =
        m_recipe.layerPatterns.empty() ? LayerIndexParser() : LayerIndexParser(m_recipe.layerPatterns);
    std::vector<std::string> names;
    for (const TensorInfo& info : reference->tensors())
        names.push_back(info.name);
    const int layerCount = layers.layerCount(names);

    const std::size_t modelCount = m_sources.models.size();
    uint64_t inputElementBytes = 0;
    std::set<std::string> referenceNames(names.begin(), names.end());
    for (const TensorInfo& ref : reference->tensors()) {
        if (m_options.filter && !m_options.filter(ref.name))
            continue;
        PlannedTensor pt;
        pt.output = ref;
        pt.missing.assign(modelCount, false);
        pt.copy = !isFloating(ref.dtype);
        inputElementBytes = dtypeSize(ref.dtype);
        for (std::size_t i = 0; i < modelCount; ++i) {
            const Checkpoint& model = *m_sources.models[i];
            if (&model == reference)
                continue;
            const TensorInfo* info = model.find(ref.name);
            if (!info) {
                if (!m_options.allowMissing)
                    throw InputError(model.path(), ref.name,
                                     "missing in " + modelLabel(m_sources, i) +
                                         "; --allow-missing takes the base's tensor instead");
                pt.missing[i] = true;
                continue;
            }
            if (info->shape != ref.shape)
                throw InputError(model.path(), ref.name,
                                 "shape " + info->shapeString() + " in " + model.path() + " but " + ref.shapeString() +
                                     " in " + reference->path());
            if (isFloating(info->dtype) != isFloating(ref.dtype))
                throw InputError(model.path(), ref.name,
                                 std::string("dtype ") + dtypeName(info->dtype) + " in " + model.path() + " but " +
                                     dtypeName(ref.dtype) + " in " + reference->path() +
                                     " (floating and integer tensors cannot be merged)");
            inputElementBytes += dtypeSize(info->dtype);
        }
        if (!pt.copy && m_recipe.outDtype) {
            pt.output.dtype = *m_recipe.outDtype;
            pt.output.byteSize = static_cast<uint64_t>(ref.numel()) * dtypeSize(*m_recipe.outDtype);
        }
        if (auto layer = layers.layerOf(ref.name))
            pt.depth = layerCount > 1 ? static_cast<double>(*layer) / (layerCount - 1) : 1.0;
        else
            pt.depth = depthWithoutLayer(ref.name);
        const auto numel = static_cast<uint64_t>(ref.numel());
        // float32 copies of every input, ~4 float32/bool temporaries of the method, the input pages
        // touched and the converted output.
        pt.workBytes =
            pt.copy ? 2 * ref.byteSize : numel * (4 * (modelCount + 1) + 16 + inputElementBytes) + pt.output.byteSize;
        if (!pt.copy) {
            TensorParams params = paramsFor(pt);
            std::size_t present = 0;
            for (std::size_t i = 0; i < modelCount; ++i)
                present += pt.missing[i] && !m_sources.base ? 0 : 1;
            try {
                m_method->validate(params, static_cast<int>(present));
            } catch (const InputError& e) {
                throw InputError({}, ref.name, e.detail());
            }
        }
        m_tensors.push_back(std::move(pt));
    }
    for (std::size_t i = 0; i < modelCount; ++i) {
        std::size_t extra = 0;
        for (const TensorInfo& info : m_sources.models[i]->tensors())
            if (!referenceNames.count(info.name))
                ++extra;
        if (extra)
            m_warnings.push_back(modelLabel(m_sources, i) + ": " + std::to_string(extra) +
                                 " tensors not in the base are ignored");
    }
    if (m_tensors.empty())
        m_warnings.push_back("no tensor selected: the output would be empty");
}

TensorParams MergePlan::paramsFor(const PlannedTensor& tensor) const
{
    const std::string& name = tensor.output.name;
    const double t = tensor.depth;
    TensorParams out;
    std::vector<std::size_t> present;
    for (std::size_t i = 0; i < m_recipe.models.size(); ++i)
        if (!(tensor.missing[i] && !m_sources.base))
            present.push_back(i);
    out.perModel.resize(present.size());
    for (const ParamDef& def : m_method->params()) {
        std::optional<double> value;
        for (const ParamOverride& o : m_recipe.overrides) {
            const auto c = ParamSetting::makeCondition(o.filter, ParamSetting(1.0), "overrides[].filter");
            const ParamSetting probe = ParamSetting::conditional({c});
            if (!probe.evaluate(name, t))
                continue;
            if (auto it = o.params.find(def.name); it != o.params.end())
                value = it->second.evaluate(name, t);
            if (value)
                break;
        }
        if (!value)
            if (auto it = m_recipe.params.find(def.name); it != m_recipe.params.end())
                value = it->second.evaluate(name, t);
        out.global[def.name] = value ? *value : def.defaultValue;
        if (!def.perModel)
            continue;
        for (std::size_t k = 0; k < present.size(); ++k) {
            const RecipeModel& model = m_recipe.models[present[k]];
            if (auto it = model.params.find(def.name); it != model.params.end())
                if (auto v = it->second.evaluate(name, t))
                    out.perModel[k][def.name] = *v;
        }
    }
    out.global["seed"] = static_cast<double>(m_recipe.seed);
    return out;
}

uint64_t MergePlan::outputBytes() const
{
    uint64_t total = 0;
    for (const PlannedTensor& t : m_tensors)
        total += t.output.byteSize;
    return total;
}

uint64_t MergePlan::peakMemoryEstimate() const
{
    std::vector<uint64_t> work;
    for (const PlannedTensor& t : m_tensors)
        work.push_back(t.workBytes);
    std::sort(work.rbegin(), work.rend());
    uint64_t peak = 0;
    for (std::size_t i = 0; i < work.size() && i < static_cast<std::size_t>(std::max(1, m_options.threads)); ++i)
        if (i == 0 || peak + work[i] <= m_options.maxMemory)
            peak += work[i];
    return peak + kRuntimeBytes;
}

std::string MergePlan::describe() const
{
    std::ostringstream o;
    o << "method: " << m_recipe.method << "\n";
    if (m_sources.base)
        o << "base: " << m_sources.base->path() << " (" << m_sources.base->format() << ")\n";
    for (std::size_t i = 0; i < m_sources.models.size(); ++i)
        o << "model " << i + 1 << ": " << m_sources.models[i]->path() << " (" << m_sources.models[i]->format() << ")\n";
    std::size_t copied = 0, withMissing = 0;
    for (const PlannedTensor& t : m_tensors) {
        copied += t.copy ? 1 : 0;
        withMissing += std::count(t.missing.begin(), t.missing.end(), true) ? 1 : 0;
    }
    o << "tensors: " << m_tensors.size() << " (" << copied << " copied, " << withMissing
      << " with a model's tensor taken from the base)\n";
    o << "output size: " << bytesText(outputBytes()) << " (" << outputBytes() << " bytes)";
    if (m_recipe.outDtype)
        o << ", dtype " << dtypeName(*m_recipe.outDtype);
    o << "\n";
    o << "estimated peak memory: " << bytesText(peakMemoryEstimate()) << " (" << m_options.threads
      << " tensors in parallel within --max-memory " << bytesText(m_options.maxMemory) << ")\n";
    for (const std::string& w : m_warnings)
        o << "warning: " << w << "\n";
    const std::size_t shown = std::min<std::size_t>(m_tensors.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) {
        const PlannedTensor& t = m_tensors[i];
        o << "  " << t.output.name << " " << t.output.shapeString() << " " << dtypeName(t.output.dtype)
          << (t.copy ? " (copied)" : "") << " t=" << t.depth << "\n";
    }
    if (shown < m_tensors.size())
        o << "  ... " << m_tensors.size() - shown << " more\n";
    return o.str();
}

} // namespace mergelab
