// WEMoE model: upcycling, routed forward pass, save / load.
#include "datamerge/wemoe_model.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/json_file.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mergelab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* kFormat = "mergelab-wemoe";
const char* kMlpNames[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};

std::string mlpPrefix(int64_t layer)
{
    return "vision_model.encoder.layers." + std::to_string(layer) + ".mlp.";
}

at::Tensor* taskVectorSlot(WeMoeLayer& l, int k)
{
    at::Tensor* slots[] = {&l.fc1Weight, &l.fc1Bias, &l.fc2Weight, &l.fc2Bias};
    return slots[k];
}

at::Tensor* gateSlot(WeMoeLayer& l, int k)
{
    at::Tensor* slots[] = {&l.gate1Weight, &l.gate1Bias, &l.gate2Weight, &l.gate2Bias};
    return slots[k];
}

void writeTextAtomically(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, text);
}

} // namespace

std::string WeMoeConfig::toJson() const
{
    json j = {{"format", kFormat},
              {"version", 1},
              {"weights", "model.safetensors"},
              {"vision_config", json::parse(vision.toJson())},
              {"tasks", taskNames},
              {"init_lambda", initLambda},
              {"router_hidden", routerHidden},
              {"router_init_std", routerInitStd},
              {"routing", "mean over tokens of router(layer_norm2 output); MLP = base + sum_i w_i tau_i"}};
    return j.dump(2) + "\n";
}

WeMoeConfig WeMoeConfig::fromJson(const std::string& text, const std::string& path)
{
    WeMoeConfig c;
    try {
        json j = parseJson(text, path, "WEMoE config");
        if (!j.is_object() || j.value("format", std::string()) != kFormat)
            throw FormatError(path, {}, std::string("not a WEMoE config (\"format\": \"") + kFormat + "\" expected)");
        if (!j.contains("vision_config") || !j["vision_config"].is_object())
            throw FormatError(path, {}, "key 'vision_config': missing");
        c.vision = ClipVisionConfig::fromJson(j["vision_config"].dump(), path);
        if (!j.contains("tasks") || !j["tasks"].is_array() || j["tasks"].empty())
            throw FormatError(path, {}, "key 'tasks': expected a non-empty list of task names");
        c.taskNames = j["tasks"].get<std::vector<std::string>>();
        c.initLambda = j.value("init_lambda", c.initLambda);
        c.routerHidden = j.value("router_hidden", c.routerHidden);
        c.routerInitStd = j.value("router_init_std", c.routerInitStd);
    } catch (const json::exception& e) {
        throw FormatError(path, {}, std::string("invalid WEMoE config: ") + e.what());
    }
    return c;
}

std::shared_ptr<WeMoeModel> WeMoeModel::upcycle(const DataMergeInputs& in, WeMoeConfig config, uint64_t seed)
{
    in.validate();
    config.vision = in.config;
    if (config.taskNames.empty())
        for (const EvalTask& t : in.tasks)
            config.taskNames.push_back(t.name);
    if (static_cast<int64_t>(config.taskNames.size()) != in.numTasks())
        throw InputError(in.source, {}, "WEMoE needs one task name per fine-tuned model");
    auto model = std::make_shared<WeMoeModel>();
    model->m_config = config;
    model->m_shared = taskArithmetic(in, config.initLambda);
    const int64_t d = config.vision.hiddenSize, tasks = in.numTasks();
    const int64_t hidden = config.routerHidden > 0 ? config.routerHidden : d;
    at::Generator gen = at::detail::createCPUGenerator(seed);
    for (int64_t l = 0; l < config.vision.numHiddenLayers; ++l) {
        WeMoeLayer layer;
        const std::string prefix = mlpPrefix(l);
        for (int k = 0; k < 4; ++k) {
            const std::string name = prefix + kMlpNames[k];
            const at::Tensor& base = in.base.at(name);
            std::vector<at::Tensor> taus;
            for (const TensorMap& ft : in.finetuned)
                taus.push_back(ft.at(name) - base);
            *taskVectorSlot(layer, k) = at::stack(taus);
            model->m_shared[name] = base.clone(); // the MLP's base; τ are added per sample
        }
        layer.gate1Weight = at::normal(0.0, config.routerInitStd, {hidden, d}, gen);
        layer.gate1Bias = at::zeros({hidden});
        layer.gate2Weight = at::normal(0.0, config.routerInitStd, {tasks, hidden}, gen);
        layer.gate2Bias = at::full({tasks}, config.initLambda);
        model->m_layers.push_back(layer);
    }
    return model;
}

at::Tensor WeMoeModel::route(int64_t layer, const at::Tensor& x) const
{
    const WeMoeLayer& l = m_layers.at(static_cast<std::size_t>(layer));
    at::Tensor h = at::relu(at::linear(x, l.gate1Weight, l.gate1Bias));
    return at::linear(h, l.gate2Weight, l.gate2Bias).mean(1); // [N, T]: one weight set per sample
}

at::Tensor WeMoeModel::forward(const at::Tensor& pixels, std::vector<at::Tensor>* routing) const
{
    VitHooks hooks;
    hooks.mlp = [&](int64_t layer, const at::Tensor& x) {
        const WeMoeLayer& l = m_layers.at(static_cast<std::size_t>(layer));
        const std::string prefix = mlpPrefix(layer);
        at::Tensor w = route(layer, x); // [N, T]
        if (routing)
            routing->push_back(w.detach());
        const int64_t n = x.size(0), t = w.size(1);
        // Per-sample weights base + Σ wi τi, applied with batched matmuls.
        auto mix = [&](const at::Tensor& base, const at::Tensor& taus) {
            std::vector<int64_t> shape = base.sizes().vec();
            shape.insert(shape.begin(), n);
            return base.unsqueeze(0) + at::matmul(w, taus.reshape({t, -1})).view(shape);
        };
        return vitMlp(m_config.vision, x, mix(m_shared.at(prefix + "fc1.weight"), l.fc1Weight),
                      mix(m_shared.at(prefix + "fc1.bias"), l.fc1Bias),
                      mix(m_shared.at(prefix + "fc2.weight"), l.fc2Weight),
                      mix(m_shared.at(prefix + "fc2.bias"), l.fc2Bias));
    };
    return vitForward(m_config.vision, m_shared, pixels, &hooks);
}

std::vector<at::Tensor> WeMoeModel::routerParameters() const
{
    std::vector<at::Tensor> out;
    for (const WeMoeLayer& l : m_layers)
        for (const at::Tensor& t : {l.gate1Weight, l.gate1Bias, l.gate2Weight, l.gate2Bias})
            out.push_back(t);
    return out;
}

void WeMoeModel::fixRouters(double lambda)
{
    c10::InferenceMode off(false);
    at::NoGradGuard noGrad;
    for (WeMoeLayer& l : m_layers) {
        l.gate1Weight.zero_();
        l.gate1Bias.zero_();
        l.gate2Weight.zero_();
        l.gate2Bias.fill_(lambda);
    }
}

void WeMoeModel::save(const std::string& folder) const
{
    // Weights and config are published together: one temporary folder, one rename.
    ensureFolder(fs::path(folder).parent_path().string());
    AtomicOutput output(folder, AtomicOutput::Kind::Folder, /*keepOldEntries=*/true);
    TensorMap all = m_shared;
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        WeMoeLayer layer = m_layers[l];
        const std::string prefix = mlpPrefix(static_cast<int64_t>(l));
        for (int k = 0; k < 4; ++k) {
            all[prefix + "task_vectors." + kMlpNames[k]] = *taskVectorSlot(layer, k);
            all[prefix + "gate." + kMlpNames[k]] = gateSlot(layer, k)->detach();
        }
    }
    saveTensorMap((fs::path(output.path()) / "model.safetensors").string(), all, {{"format", kFormat}});
    writeTextAtomically((fs::path(output.path()) / "wemoe.json").string(), m_config.toJson());
    output.commit();
}

std::shared_ptr<WeMoeModel> WeMoeModel::load(const std::string& path)
{
    fs::path configPath = fs::is_directory(path) ? fs::path(path) / "wemoe.json" : fs::path(path);
    auto model = std::make_shared<WeMoeModel>();
    model->m_config = WeMoeConfig::fromJson(readTextFile(configPath.string(), "WEMoE config"), configPath.string());
    const std::string weightsPath = (configPath.parent_path() / "model.safetensors").string();
    TensorMap all = readCheckpointTensors(weightsPath);
    const ClipVisionConfig& c = model->m_config.vision;
    const int64_t tasks = static_cast<int64_t>(model->m_config.taskNames.size());
    auto take = [&](const std::string& name, std::vector<int64_t> shape) {
        auto it = all.find(name);
        if (it == all.end())
            throw FormatError(weightsPath, name, "missing from the WEMoE weights");
        if (it->second.sizes().vec() != shape)
            throw FormatError(weightsPath, name,
                              "shape " + std::string(c10::str(it->second.sizes())) + ", expected " +
                                  std::string(c10::str(at::IntArrayRef(shape))));
        at::Tensor t = it->second;
        all.erase(it);
        return t;
    };
    const int64_t d = c.hiddenSize, i = c.intermediateSize;
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const std::string prefix = mlpPrefix(l);
        WeMoeLayer layer;
        layer.fc1Weight = take(prefix + "task_vectors.fc1.weight", {tasks, i, d});
        layer.fc1Bias = take(prefix + "task_vectors.fc1.bias", {tasks, i});
        layer.fc2Weight = take(prefix + "task_vectors.fc2.weight", {tasks, d, i});
        layer.fc2Bias = take(prefix + "task_vectors.fc2.bias", {tasks, d});
        const auto it = all.find(prefix + "gate.fc1.weight");
        const int64_t hidden = it == all.end() ? d : it->second.size(0);
        layer.gate1Weight = take(prefix + "gate.fc1.weight", {hidden, d});
        layer.gate1Bias = take(prefix + "gate.fc1.bias", {hidden});
        layer.gate2Weight = take(prefix + "gate.fc2.weight", {tasks, hidden});
        layer.gate2Bias = take(prefix + "gate.fc2.bias", {tasks});
        model->m_layers.push_back(layer);
    }
    model->m_shared = std::move(all);
    for (const std::string& name : vitParameterNames(c))
        if (!model->m_shared.count(name))
            throw FormatError(weightsPath, name, "missing from the WEMoE weights");
    return model;
}

at::Tensor WeMoeBackbone::embed(const at::Tensor& images)
{
    return m_model->forward(images);
}

std::map<std::string, at::Tensor> WeMoeBackbone::parameters() const
{
    return m_model->shared(); // the routers and task vectors are not plain-ViT parameters
}

std::vector<int64_t> WeMoeBackbone::inputShape() const
{
    const auto& c = m_model->config().vision;
    return {c.numChannels, c.imageSize, c.imageSize};
}

} // namespace mergelab
