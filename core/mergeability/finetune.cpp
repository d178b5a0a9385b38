// Fine-tuning a project's base on one task (head frozen), plainly or sharpness-aware.
#include "mergeability/finetune.h"

#include "common/error.h"
#include "io/dataset.h"
#include "eval/evaluator.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "io/tensor_map.h"
#include "io/torch_tensor.h"
#include "models/clip_vit.h"
#include "io/atomic_output.h"
#include "jobs/thread_settings.h"

#include <ATen/ATen.h>
#include <torch/nn/utils/clip_grad.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

FinetuneOptions defaultFinetuneOptions(const ModelSet& set)
{
    FinetuneOptions o;
    TrainSettings& t = o.train;
    t.steps = 400;
    t.batchSize = 64;
    t.learningRate = 5e-5;
    t.weightDecay = 0.0;
    t.logitScale = 20.0;
    t.warmupSteps = 0; // from the card, else a tenth of the steps (below)
    const fs::path card = fs::path(set.projectFolder()) / "model_card.json";
    {
        try {
            const nlohmann::json j = readJsonFileIfPresent(card.string(), "model card"); // null: no card
            const nlohmann::json& f = j.at("finetuning");
            t.steps = f.value("steps", t.steps);
            t.batchSize = f.value("batch_size", t.batchSize);
            t.learningRate = f.value("learning_rate", t.learningRate);
            t.logitScale = f.value("logit_scale", t.logitScale);
            t.warmupSteps = f.value("warmup_steps", int64_t(0)); // 0: cards that did not record it
        } catch (const nlohmann::json::exception&) {
            // A model card we cannot read only loses the defaults it would give.
        } catch (const FormatError&) {
            // Same for one that is not JSON.
        }
    }
    if (t.warmupSteps <= 0)
        t.warmupSteps = std::max<int64_t>(1, t.steps / 10);
    return o;
}

FinetuneResult finetuneTask(const ModelSet& set, const std::string& task, const FinetuneOptions& options,
                            Progress& progress, const CancelToken& cancel)
{
    const auto started = std::chrono::steady_clock::now();
    const TrainSettings& s = options.train;
    if (s.sam && (s.samRho < 0 || !std::isfinite(s.samRho)))
        throw InputError("--sam: rho must be >= 0 (got " + number(s.samRho) + ")");
    if (s.steps <= 0 || s.batchSize <= 0 || !(s.learningRate > 0))
        throw InputError("fine-tuning needs steps > 0, batch > 0 and a learning rate > 0");
    std::size_t taskIndex = set.tasks.size();
    for (std::size_t i = 0; i < set.tasks.size(); ++i)
        if (set.tasks[i].name == task)
            taskIndex = i;
    if (taskIndex == set.tasks.size()) {
        std::string names;
        for (const TaskEntry& t : set.tasks)
            names += (names.empty() ? "" : ", ") + t.name;
        throw InputError(set.projectPath(), {}, "unknown task \"" + task + "\" (tasks: " + names + ")");
    }
    const TaskEntry& entry = set.tasks[taskIndex];
    if (set.architecture.type != "clip_vit")
        throw InputError(set.projectPath(), {}, "fine-tuning needs a clip_vit architecture (config.json)");
    if (entry.dataset.empty() || entry.head.empty())
        throw InputError(set.projectPath(), task, "task has no dataset or no head to fine-tune with");
    if (!entry.normalize || !entry.headBias.empty())
        throw InputError(entry.head, entry.headTensor,
                         "fine-tuning uses a cosine head (normalize: true, no bias), as the demo model set does");

    progress.update(0, double(s.steps), "loading " + task);
    const DatasetInfo info = readDatasetInfo(entry.dataset);
    const LabeledImages train = readSplit(entry.dataset, "train");
    if (train.size() == 0)
        throw InputError(entry.dataset, "train", "the train split is empty");
    const at::Tensor inputs = normalizeImages(train.images, info);
    at::Tensor head = toTorch(Checkpoint::open(entry.head)->read(entry.headTensor)).to(at::kFloat).clone();
    const std::map<std::string, at::Tensor> base = readCheckpointTensors(set.base.path);

    ScopedThreadSettings singleThreaded(1);
    ClipVisionModel model(ClipVisionConfig::load(set.architecture.config));
    if (head.dim() != 2 || head.size(1) != model->config.projectionDim)
        throw InputError(entry.head, entry.headTensor,
                         "head must be [classes, " + std::to_string(model->config.projectionDim) + "]");
    {
        at::NoGradGuard noGrad;
        for (auto& item : model->named_parameters()) {
            auto it = base.find(item.key());
            if (it == base.end())
                throw InputError(set.base.path, item.key(), "missing (the architecture needs it)");
            if (!it->second.sizes().equals(item.value().sizes()))
                throw InputError(set.base.path, item.key(), "shape does not match config.json");
            item.value().copy_(it->second);
        }
    }
    FinetuneResult result;
    result.task = task;
    trainClassifier(
        model, head, false, inputs, train.labels, s, options.seed + 1000 + taskIndex,
        [&](int64_t step, double loss) {
            result.lossCurve.emplace_back(step, loss);
            progress.update(double(step), double(s.steps),
                            "fine-tuning " + task + (s.sam ? " (SAM)" : "") + ", loss " + number(loss));
            progress.log("finetune " + task + " step " + std::to_string(step) + " loss " + number(loss));
        },
        cancel);
    for (const auto& item : model->named_parameters())
        result.parameters[item.key()] = item.value().detach().clone();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

void writeFinetuned(const std::string& path, const FinetuneResult& result, const FinetuneOptions& options)
{
    const TrainSettings& s = options.train;
    saveTensorMap(path, result.parameters,
                  {{"mergelab_finetune_task", result.task},
                   {"mergelab_finetune_sam", s.sam ? "true" : "false"},
                   {"mergelab_finetune_sam_rho", s.sam ? number(s.samRho) : "0"},
                   {"mergelab_finetune_steps", std::to_string(s.steps)},
                   {"mergelab_finetune_lr", number(s.learningRate)},
                   {"mergelab_finetune_seed", std::to_string(options.seed)}});
}

FinetuneJob::FinetuneJob(ModelSet set, std::vector<std::string> tasks, FinetuneOptions options, std::string output,
                         bool projectOutput)
    : m_set(std::move(set)), m_tasks(std::move(tasks)), m_options(std::move(options)), m_output(std::move(output)),
      m_projectOutput(projectOutput)
{
    if (m_tasks.empty())
        for (const TaskEntry& t : m_set.tasks)
            if (!t.dataset.empty() && !t.head.empty())
                m_tasks.push_back(t.name);
}

std::string FinetuneJob::name() const
{
    return std::string(m_options.train.sam ? "SAM fine-tuning" : "Fine-tuning") +
           (m_tasks.size() == 1 ? " " + m_tasks.front() : " " + std::to_string(m_tasks.size()) + " tasks");
}

void FinetuneJob::run(Progress& progress, const CancelToken& cancel)
{
    if (m_tasks.empty())
        throw InputError(m_set.projectPath(), {}, "no task with a dataset and a head to fine-tune on");
    if (m_projectOutput)
        return runProject(progress, cancel);
    if (m_tasks.size() != 1)
        throw InputError("fine-tuning several tasks writes a project folder (--all-tasks)");
    if (fs::exists(m_output))
        throw InputError(m_output, {}, "exists; choose another output (inputs are never overwritten)");
    m_results = {finetuneTask(m_set, m_tasks.front(), m_options, progress, cancel)};
    throwIfCancelled(cancel);
    writeFinetuned(m_output, m_results.front(), m_options);
    m_written = m_output;
}

namespace {

// Scales a nested job's progress into [offset, offset + 1) of `count` parts.
class PartProgress : public Progress {
public:
    PartProgress(Progress& outer, double offset, double count) : m_outer(outer), m_offset(offset), m_count(count) {}
    void update(double done, double total, const std::string& message) override
    {
        m_outer.update(m_offset + (total > 0 ? done / total : 0.0), m_count, message);
    }
    void log(const std::string& line) override { m_outer.log(line); }

private:
    Progress& m_outer;
    double m_offset, m_count;
};

} // namespace

void FinetuneJob::runProject(Progress& progress, const CancelToken& cancel)
{
    const fs::path out = fs::absolute(fs::path(m_output)).lexically_normal();
    if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out)))
        throw InputError(out.string(), {}, "exists and is not an empty folder; choose another output");
    // Written in an owned temporary folder beside `out`, published by one rename when complete.
    ensureFolder(out.parent_path().string());
    AtomicOutput output(out.string(), AtomicOutput::Kind::Folder);
    const fs::path partial = output.path();
    std::error_code ec;
    if (!fs::create_directories(partial / "checkpoints", ec) && ec)
        throw IoError(partial.string(), {}, "cannot create folder: " + ec.message());

    ModelSet set = m_set;
    set.name = m_set.name +
               (m_options.train.sam ? " — SAM rho " + number(m_options.train.samRho) : " — re-fine-tuned") + ", seed " +
               std::to_string(m_options.seed);
    set.models.clear();
    nlohmann::json card;
    card["format"] = "mergelab-finetune-card";
    card["source_project"] = m_set.projectPath();
    card["sam"] = m_options.train.sam;
    card["sam_rho"] = m_options.train.sam ? m_options.train.samRho : 0.0;
    card["steps"] = m_options.train.steps;
    card["batch_size"] = m_options.train.batchSize;
    card["learning_rate"] = m_options.train.learningRate;
    card["warmup_steps"] = m_options.train.warmupSteps;
    card["seed"] = m_options.seed;
    card["tasks"] = nlohmann::json::array();
    for (std::size_t i = 0; i < m_tasks.size(); ++i) {
        const std::string& task = m_tasks[i];
        PartProgress part(progress, double(i), double(m_tasks.size()));
        FinetuneResult r = finetuneTask(m_set, task, m_options, part, cancel);
        const fs::path file = partial / "checkpoints" / (task + ".safetensors");
        writeFinetuned(file.string(), r, m_options);
        std::string color = "#7f7f7f";
        for (const ModelEntry& m : m_set.models)
            if (m.task == task || m.name == task)
                color = m.color;
        set.models.push_back({task, (out / "checkpoints" / (task + ".safetensors")).string(), color, task});
        card["tasks"].push_back({{"task", task}, {"seconds", r.seconds}, {"loss_curve", r.lossCurve}});
        r.parameters.clear(); // keep only the curve
        m_results.push_back(std::move(r));
    }
    throwIfCancelled(cancel);
    {
        std::ofstream c(partial / "finetune_card.json", std::ios::binary);
        c << card.dump(2) << "\n";
        if (!c)
            throw IoError((partial / "finetune_card.json").string(), {}, "cannot write");
    }
    // Paths are written relative to the final folder (a sibling of the partial one).
    const std::string projectFile = (out / (out.filename().string() + ".mergelab.json")).string();
    const std::string text = set.toJson(out.string());
    {
        std::ofstream p(partial / (out.filename().string() + ".mergelab.json"), std::ios::binary);
        p << text;
        if (!p)
            throw IoError(projectFile, {}, "cannot write");
    }
    output.commit();             // replaces `out` only when it is missing or empty (checked above)
    ModelSet::load(projectFile); // the written project must load as is
    m_written = projectFile;
    progress.update(double(m_tasks.size()), double(m_tasks.size()), "done");
}

} // namespace mergelab
