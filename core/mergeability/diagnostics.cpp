// Mergeability diagnostics of a project: sharpness per fine-tune, disentanglement error, surfaces.
#include "mergeability/diagnostics.h"

#include "common/error.h"
#include "models/backbone.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace mergelab {

namespace {

constexpr int64_t kChunk = 256; // inputs per forward

} // namespace

MergeabilityData::MergeabilityData(const ModelSet& set, const std::string& split, int64_t limit)
{
    if (set.architecture.type.empty())
        throw InputError(set.projectPath(), {}, "the project names no architecture to run the fine-tunes with");
    m_backbone = makeBackbone(set.architecture.type,
                              set.architecture.type == "clip_vit" ? set.architecture.config : set.architecture.path);
    std::vector<EvalTask> all = loadEvalTasks(set, split, limit);
    m_base = readCheckpointTensors(set.base.path);
    for (const ModelEntry& m : set.models) {
        const std::string task = m.task.empty() ? m.name : m.task;
        auto it = std::find_if(all.begin(), all.end(), [&](const EvalTask& t) { return t.name == task; });
        if (it == all.end())
            continue; // no data or head for this fine-tune's task
        m_models.push_back(m.name);
        m_taskNames.push_back(task);
        m_data.push_back(*it);
        m_taskVectors.push_back(taskVector(m_base, readCheckpointTensors(m.path)));
    }
    if (m_models.empty())
        throw InputError(set.projectPath(), {}, "no fine-tuned model has a task with a dataset and a head");
}

MergeabilityData::~MergeabilityData() = default;

int MergeabilityData::indexOfTask(const std::string& task) const
{
    for (std::size_t i = 0; i < m_taskNames.size(); ++i)
        if (m_taskNames[i] == task || m_models[i] == task)
            return int(i);
    return -1;
}

at::Tensor MergeabilityData::predict(const TensorMap& params, std::size_t k)
{
    m_backbone->setParameters(params, true, "merged");
    c10::InferenceMode inference;
    const EvalTask& t = m_data.at(k);
    std::vector<at::Tensor> out;
    for (int64_t s = 0; s < t.inputs.size(0); s += kChunk)
        out.push_back(
            t.head.logits(m_backbone->embed(t.inputs.slice(0, s, std::min(t.inputs.size(0), s + kChunk)))).argmax(1));
    return at::cat(out);
}

std::pair<double, double> MergeabilityData::score(const TensorMap& params, std::size_t k)
{
    m_backbone->setParameters(params, true, "merged");
    c10::InferenceMode inference;
    const EvalTask& t = m_data.at(k);
    double loss = 0;
    int64_t correct = 0;
    const int64_t n = t.inputs.size(0);
    for (int64_t s = 0; s < n; s += kChunk) {
        const int64_t e = std::min(n, s + kChunk);
        const at::Tensor logits = t.head.logits(m_backbone->embed(t.inputs.slice(0, s, e)));
        const at::Tensor y = t.labels.slice(0, s, e);
        loss += at::cross_entropy_loss(logits, y, {}, at::Reduction::Sum).item<double>();
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    }
    return {n ? loss / double(n) : 0.0, n ? double(correct) / double(n) : 0.0};
}

SharpnessResult MergeabilityData::sharpnessOf(std::size_t k, double rho, int64_t batchSize, const CancelToken& cancel)
{
    std::vector<double> c(m_taskVectors.size(), 0.0);
    c.at(k) = 1.0;
    m_backbone->setParameters(addTaskVectors(m_base, m_taskVectors, c), true, m_models[k]);
    std::vector<at::Tensor> params;
    for (auto& [name, p] : m_backbone->parameters())
        if (p.requires_grad())
            params.push_back(p);
    const EvalTask& t = m_data.at(k);
    const int64_t n = t.inputs.size(0);
    batchSize = std::max<int64_t>(1, batchSize);
    const int64_t batches = (n + batchSize - 1) / batchSize;
    return sharpness(
        params,
        [&](int64_t b) {
            const int64_t s = b * batchSize, e = std::min(n, s + batchSize);
            return at::cross_entropy_loss(t.head.logits(m_backbone->embed(t.inputs.slice(0, s, e))),
                                          t.labels.slice(0, s, e));
        },
        batches, rho, cancel);
}

DiagnoseJob::DiagnoseJob(ModelSet set, DiagnosticsOptions options)
    : m_set(std::move(set)), m_options(std::move(options))
{}

void DiagnoseJob::run(Progress& progress, const CancelToken& cancel)
{
    const DiagnosticsOptions& o = m_options;
    if (o.rho < 0 || !std::isfinite(o.rho))
        throw InputError("--rho must be >= 0 (got " + std::to_string(o.rho) + ")");
    progress.update(0, 1, "loading " + m_set.projectPath());
    ScopedThreadSettings singleThreaded(1);
    MergeabilityData data(m_set, o.split, o.limit);
    throwIfCancelled(cancel);
    const int indexA = o.surfaceA.empty() ? -1 : data.indexOfTask(o.surfaceA);
    const int indexB = o.surfaceB.empty() ? -1 : data.indexOfTask(o.surfaceB);
    for (const auto& [name, index] : {std::pair{o.surfaceA, indexA}, std::pair{o.surfaceB, indexB}})
        if (!name.empty() && index < 0)
            throw InputError(m_set.projectPath(), {},
                             "unknown task \"" + name + "\" for the surface (fine-tuned tasks with data)");

    DiagnosticsReport& r = m_report;
    r = {};
    r.project = m_set.projectPath();
    r.split = o.split;
    r.limit = o.limit;
    r.rho = o.rho;
    r.alpha = o.alpha;
    const std::size_t n = data.models().size();
    if (o.sharpness) {
        double baseSum = 0;
        for (std::size_t k = 0; k < n; ++k) {
            progress.update(double(k), double(n), "sharpness of " + data.models()[k]);
            ModelSharpness m;
            m.model = data.models()[k];
            m.task = data.tasks()[k];
            m.result = data.sharpnessOf(k, o.rho, o.sharpnessBatch, cancel);
            std::vector<double> c(n, 0.0);
            c[k] = 1.0;
            m.accuracy = data.score(addTaskVectors(data.base(), data.taskVectors(), c), k).second;
            baseSum += data.score(data.base(), k).second;
            r.sharpness.push_back(m);
        }
        r.baseAccuracy = n ? baseSum / double(n) : 0.0;
    }
    if (o.disentanglement)
        r.disentanglement = weightDisentanglement(
            data.base(), data.taskVectors(), data.tasks(), std::vector<double>(n, o.alpha),
            [&](const TensorMap& params, std::size_t k) { return data.predict(params, k); }, progress, cancel);
    if (indexA >= 0)
        r.surface = coefficientSurface(
            data.base(), data.taskVectors(), data.tasks(), indexA, indexB, o.grid, o.grid,
            [&](const TensorMap& params, std::size_t k) { return data.score(params, k); }, progress, cancel);
}

std::string DiagnosticsReport::toJson() const
{
    using nlohmann::json;
    json j;
    j["project"] = project;
    j["split"] = split;
    j["limit"] = limit;
    j["rho"] = rho;
    j["alpha"] = alpha;
    j["base_accuracy"] = baseAccuracy;
    j["sharpness"] = json::array();
    for (const ModelSharpness& m : sharpness)
        j["sharpness"].push_back({{"model", m.model},
                                  {"task", m.task},
                                  {"sharpness", m.result.sharpness},
                                  {"loss", m.result.loss},
                                  {"perturbed_loss", m.result.perturbedLoss},
                                  {"batches", m.result.batches},
                                  {"accuracy", m.accuracy}});
    if (disentanglement) {
        const DisentanglementReport& d = *disentanglement;
        j["disentanglement"] = {{"tasks", d.tasks}, {"alphas", d.alphas},      {"pairs", d.pairs},
                                {"all", d.all},     {"pair_mean", d.pairMean}, {"all_mean", d.allMean}};
    }
    if (surface) {
        const CoefficientSurface& s = *surface;
        j["surface"] = {{"task_a", s.taskA},     {"task_b", s.taskB}, {"alphas_a", s.alphasA},
                        {"alphas_b", s.alphasB}, {"loss", s.loss},    {"accuracy", s.accuracy}};
    }
    return j.dump(2);
}

namespace {
std::string fmt(const char* format, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}
} // namespace

std::string DiagnosticsReport::toText() const
{
    std::ostringstream out;
    out << "project " << project << ", split " << split << ", " << limit << " samples per task\n";
    if (!sharpness.empty()) {
        out << "\nsharpness (rho " << rho << "): loss rise after one normalised ascent step, mean over batches\n";
        out << "model        task         accuracy   loss     +ascent  sharpness\n";
        for (const ModelSharpness& m : sharpness) {
            char line[256];
            std::snprintf(line, sizeof line, "%-12s %-12s %7.1f%%  %7.4f  %7.4f  %9.5f\n", m.model.c_str(),
                          m.task.c_str(), 100 * m.accuracy, m.result.loss, m.result.perturbedLoss, m.result.sharpness);
            out << line;
        }
        out << "base accuracy on these tasks: " << fmt("%.1f%%", 100 * baseAccuracy) << "\n";
    }
    if (disentanglement) {
        const DisentanglementReport& d = *disentanglement;
        out << "\nweight-disentanglement error (%), alpha " << alpha
            << ": predictions under the pair's sum vs each task alone\n          ";
        for (const std::string& t : d.tasks)
            out << " " << (t.size() > 9 ? t.substr(0, 9) : std::string(9 - t.size(), ' ') + t);
        out << "\n";
        for (std::size_t i = 0; i < d.tasks.size(); ++i) {
            const std::string& t = d.tasks[i];
            out << (t.size() > 10 ? t.substr(0, 10) : t + std::string(10 - t.size(), ' '));
            for (std::size_t j = 0; j < d.tasks.size(); ++j)
                out << (i == j ? std::string("         -") : fmt(" %9.1f", 100 * d.pairs[i][j]));
            out << "\n";
        }
        out << "all tasks ";
        for (double v : d.all)
            out << fmt(" %9.1f", 100 * v);
        out << "\npair mean " << fmt("%.1f%%", 100 * d.pairMean) << ", all-task mean " << fmt("%.1f%%", 100 * d.allMean)
            << "\n";
    }
    if (surface) {
        const CoefficientSurface& s = *surface;
        for (int what = 0; what < 2; ++what) {
            const auto& m = what == 0 ? s.accuracy : s.loss;
            out << "\n"
                << (what == 0 ? "accuracy (%)" : "loss") << " at base + a*" << s.taskA
                << (s.taskB.empty() ? std::string() : " + b*" + s.taskB) << " (mean over "
                << (s.taskB.empty() ? s.taskA : s.taskA + " and " + s.taskB) << ")\n";
            out << (s.taskB.empty() ? "a        " : "a \\ b    ");
            for (double b : s.alphasB)
                out << (s.taskB.empty() ? std::string() : fmt(" %7.2f", b));
            out << (s.taskB.empty() ? "  value\n" : "\n");
            for (std::size_t ia = 0; ia < s.alphasA.size(); ++ia) {
                out << fmt("%-9.2f", s.alphasA[ia]);
                for (double v : m[ia])
                    out << fmt(what == 0 ? " %7.1f" : " %7.4f", what == 0 ? 100 * v : v);
                out << "\n";
            }
        }
    }
    return out.str();
}

} // namespace mergelab
