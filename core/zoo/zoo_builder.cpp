// ZooBuildJob: data -> pretrained base -> per-task prototype head + fine-tune -> files + model card.
#include "zoo/zoo_builder.h"

#include "common/error.h"
#include "eval/evaluator.h"
#include "io/checkpoint.h"
#include "io/model_set.h"
#include "io/tensor_map.h"
#include "io/torch_tensor.h"
#include "zoo/model_card.h"
#include "io/atomic_output.h"
#include "jobs/thread_settings.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mergelab {

namespace fs = std::filesystem;

namespace {

const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::map<std::string, at::Tensor> stateOf(ClipVisionModel& model)
{
    std::map<std::string, at::Tensor> out;
    for (const auto& item : model->named_parameters())
        out[item.key()] = item.value().detach().clone();
    return out;
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw IoError(path.string(), {}, "cannot write");
}

// CLIP-like initialisation of the embeddings (torch's defaults suit the linear layers).
void initialise(ClipVisionModel& model)
{
    torch::NoGradGuard noGrad;
    auto& emb = model->vision_model->embeddings;
    emb->class_embedding.normal_(0, 1.0 / std::sqrt(double(model->config.hiddenSize)));
    emb->position_embedding->weight.normal_(0, 0.02);
}

// Experiment knob (not a user option): MERGELAB_ZOO_BASE=FILE reuses a pretrained base checkpoint
// so fine-tuning variants can be tried in minutes. Returns false when unset.
bool loadCachedBase(ClipVisionModel& model)
{
    const char* path = std::getenv("MERGELAB_ZOO_BASE");
    if (!path || !*path)
        return false;
    const auto ckpt = Checkpoint::open(path);
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters()) {
        const at::Tensor t = toTorch(ckpt->read(item.key()));
        if (t.sizes() != item.value().sizes())
            throw InputError(path, item.key(), "shape does not match the preset's architecture");
        item.value().copy_(t);
    }
    return true;
}

double envNumber(const char* name, double fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? std::atof(v) : fallback;
}

at::Tensor toInputs(const at::Tensor& images)
{
    DatasetInfo info;
    info.mean = {0.5};
    info.std = {0.5};
    return normalizeImages(images, info);
}

} // namespace

ZooBuildJob::ZooBuildJob(std::string outDir, ZooPreset preset, uint64_t seed)
    : m_outDir(std::move(outDir)), m_preset(std::move(preset)), m_seed(seed)
{}

void ZooBuildJob::run(Progress& progress, const CancelToken& cancel)
{
    const auto started = std::chrono::steady_clock::now();
    const fs::path out = fs::absolute(fs::path(m_outDir)).lexically_normal();
    if (fs::exists(out / "demo.mergelab.json"))
        throw InputError(out.string(), {},
                         "already holds a model set (demo.mergelab.json); remove it or choose another --out");
    if (fs::exists(out) && !fs::is_empty(out))
        throw InputError(out.string(), {}, "folder exists and is not empty; choose another --out");
    // Built in an owned temporary folder beside `out`, published by one rename when complete.
    ensureFolder(out.parent_path().string());
    AtomicOutput output(out.string(), AtomicOutput::Kind::Folder);
    const fs::path partial = output.path();
    std::error_code ec;
    if (!fs::create_directories(partial / "data", ec) && ec)
        throw IoError(partial.string(), {}, "cannot create folder: " + ec.message());
    fs::create_directories(partial / "checkpoints");
    ScopedThreadSettings singleThreaded(1);

    ZooPreset& p = m_preset;
    // Experiment knobs (not user options) for trying fine-tuning variants on a cached base.
    p.finetune.steps = int64_t(envNumber("MERGELAB_ZOO_FT_STEPS", double(p.finetune.steps)));
    p.finetune.learningRate = envNumber("MERGELAB_ZOO_FT_LR", p.finetune.learningRate);
    p.pretrain.steps = int64_t(envNumber("MERGELAB_ZOO_PRE_STEPS", double(p.pretrain.steps)));
    p.config.hiddenSize = int64_t(envNumber("MERGELAB_ZOO_WIDTH", double(p.config.hiddenSize)));
    p.config.projectionDim = int64_t(envNumber("MERGELAB_ZOO_PROJ", double(p.config.projectionDim)));
    p.config.intermediateSize = int64_t(envNumber("MERGELAB_ZOO_MLP", double(p.config.intermediateSize)));
    p.config.patchSize = int64_t(envNumber("MERGELAB_ZOO_PATCH", double(p.config.patchSize)));
    p.config.numHiddenLayers = int64_t(envNumber("MERGELAB_ZOO_LAYERS", double(p.config.numHiddenLayers)));
    // The knobs can make a shape the ViT cannot have: the config.json reader's checks say so in one line.
    p.config = ClipVisionConfig::fromJson(p.config.toJson(), "zoo preset " + p.name + " with MERGELAB_ZOO_* settings");
    const std::vector<std::string> taskNames = zooTaskNames();
    const double nTasks = double(taskNames.size());
    // Progress units: data 10, pretraining 40, tasks 40, evaluation 10.
    auto report = [&](double done, const std::string& msg) { progress.update(done, 100.0, msg); };

    // 1. Data.
    std::vector<ZooTaskData> tasks;
    for (std::size_t i = 0; i < taskNames.size(); ++i) {
        throwIfCancelled(cancel);
        report(10.0 * double(i) / (nTasks + 1), "generating " + taskNames[i]);
        tasks.push_back(makeZooTask(taskNames[i], p.taskData, m_seed));
        const ZooTaskData& t = tasks.back();
        writeDataset((partial / "data" / (t.name + ".h5")).string(), t.name, t.classNames, t.splits, {0.5}, {0.5});
    }
    throwIfCancelled(cancel);
    report(10.0 * nTasks / (nTasks + 1), "generating pretraining symbols");
    const ZooTaskData pre = makePretrainTask(p.pretrainData, m_seed, p.pretrainClasses);
    m_report.pretrainClasses = int64_t(pre.classNames.size());

    // 2. Pretrain the base on its own task.
    torch::manual_seed(m_seed);
    ClipVisionModel model(p.config);
    initialise(model);
    at::Tensor preHead = torch::randn({int64_t(pre.classNames.size()), p.config.projectionDim});
    const at::Tensor preInputs = toInputs(pre.splits.at("train").images);
    if (!loadCachedBase(model)) {
        trainClassifier(
            model, preHead, true, preInputs, pre.splits.at("train").labels, p.pretrain, m_seed,
            [&](int64_t step, double loss) {
                report(10 + 40.0 * double(step) / double(p.pretrain.steps),
                       "pretraining base (loss " + std::to_string(loss).substr(0, 5) + ")");
                progress.log("pretrain step " + std::to_string(step) + " loss " + std::to_string(loss));
            },
            cancel);
    }
    {
        torch::NoGradGuard noGrad;
        const at::Tensor valIn = toInputs(pre.splits.at("val").images);
        const at::Tensor pred = cosineLogits(model->forward(valIn), preHead).argmax(1);
        m_report.pretrainValAccuracy = pred.eq(pre.splits.at("val").labels).to(at::kDouble).mean().item<double>();
    }
    const std::map<std::string, at::Tensor> baseState = stateOf(model);
    const std::map<std::string, std::string> meta = {{"mergelab_zoo_preset", p.name},
                                                     {"mergelab_zoo_seed", std::to_string(m_seed)}};
    saveTensorMap((partial / "checkpoints" / "base.safetensors").string(), baseState, meta);
    writeText(partial / "config.json", p.config.toJson());

    // 3. Per task: prototype head on frozen base features, then fine-tune with the head frozen.
    std::map<std::string, at::Tensor> heads;
    std::map<std::string, std::map<std::string, at::Tensor>> finetuned;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const ZooTaskData& t = tasks[i];
        const double begin = 50 + 40.0 * double(i) / nTasks;
        report(begin, "fitting head of " + t.name);
        const LabeledImages& train = t.splits.at("train");
        const at::Tensor inputs = toInputs(train.images);
        ClipVisionModel ft(p.config);
        {
            torch::NoGradGuard noGrad;
            for (auto& item : ft->named_parameters())
                item.value().copy_(baseState.at(item.key()));
        }
        const int64_t headN = std::min(p.headSamples, train.size());
        at::Tensor head = fitPrototypeHead(ft, inputs.slice(0, 0, headN), train.labels.slice(0, 0, headN),
                                           int64_t(t.classNames.size()), p.finetune.logitScale);
        heads[t.name + ".weight"] = head;
        trainClassifier(
            ft, head, false, inputs, train.labels, p.finetune, m_seed + 1000 + i,
            [&](int64_t step, double loss) {
                report(begin + 40.0 / nTasks * double(step) / double(p.finetune.steps),
                       "fine-tuning " + t.name + " (loss " + std::to_string(loss).substr(0, 5) + ")");
                progress.log("finetune " + t.name + " step " + std::to_string(step) + " loss " + std::to_string(loss));
            },
            cancel);
        finetuned[t.name] = stateOf(ft);
        auto taskMeta = meta;
        taskMeta["mergelab_zoo_task"] = t.name;
        saveTensorMap((partial / "checkpoints" / (t.name + ".safetensors")).string(), finetuned[t.name], taskMeta);
    }
    saveTensorMap((partial / "heads.safetensors").string(), heads, meta);

    // 4. The project file.
    ModelSet set;
    set.name = "MergeLab demo (" + p.name + ")";
    set.base = {"base", (partial / "checkpoints" / "base.safetensors").string()};
    set.architecture.type = "clip_vit";
    set.architecture.config = (partial / "config.json").string();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const std::string& n = tasks[i].name;
        set.models.push_back({n, (partial / "checkpoints" / (n + ".safetensors")).string(), kColors[i % 8], n});
        TaskEntry te;
        te.name = n;
        te.dataset = (partial / "data" / (n + ".h5")).string();
        te.head = (partial / "heads.safetensors").string();
        te.headTensor = n + ".weight";
        te.normalize = true;
        set.tasks.push_back(te);
    }
    set.save((partial / "demo.mergelab.json").string());

    // 5. Every checkpoint on every task (val and test), in memory.
    std::map<std::string, std::vector<EvalTask>> evalTasks;
    for (const char* split : {"val", "test"})
        for (const ZooTaskData& t : tasks) {
            EvalTask e;
            e.name = t.name;
            e.head.weight = heads.at(t.name + ".weight");
            e.head.normalize = true;
            e.inputs = toInputs(t.splits.at(split).images);
            e.labels = t.splits.at(split).labels;
            evalTasks[split].push_back(std::move(e));
        }
    ClipVitBackbone backbone(p.config);
    std::vector<std::pair<std::string, const std::map<std::string, at::Tensor>*>> models = {{"base", &baseState}};
    for (const ZooTaskData& t : tasks)
        models.emplace_back(t.name, &finetuned.at(t.name));
    NullProgress quiet;
    for (std::size_t m = 0; m < models.size(); ++m) {
        report(90 + 10.0 * double(m) / double(models.size()), "evaluating " + models[m].first);
        backbone.setParameters(*models[m].second, true, models[m].first);
        ZooModelScores s;
        s.model = models[m].first;
        for (const auto& acc : evaluateBackbone(backbone, evalTasks["val"], 512, quiet, cancel).tasks)
            s.val[acc.name] = acc.accuracy;
        for (const auto& acc : evaluateBackbone(backbone, evalTasks["test"], 512, quiet, cancel).tasks)
            s.test[acc.name] = acc.accuracy;
        m_report.scores.push_back(s);
    }
    m_report.preset = p.name;
    m_report.seed = m_seed;
    m_report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_report.projectPath = (out / "demo.mergelab.json").string();
    writeModelCard(partial.string(), m_report, p, tasks);

    // 6. Into place.
    throwIfCancelled(cancel);
    output.commit(); // replaces `out` only when it is missing or empty (checked above)
    // Paths in the project are relative, so the moved project must load as is.
    ModelSet::load(m_report.projectPath);
    report(100, "done");
}

} // namespace mergelab
