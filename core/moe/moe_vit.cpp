// The MoE ViT forward composes the CLIP ViT's modules; only the MLP step of MoE layers differs.
#include "moe/moe_vit.h"

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "moe/moe_layout.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <filesystem>

namespace mergelab {

MoeVitBackbone::MoeVitBackbone(const ClipVisionConfig& config, const std::map<int, int>& moeLayers, int topK)
    : m_model(config)
{
    m_model->eval();
    const ExpertKind kind = config.hiddenAct == "quick_gelu" ? ExpertKind::FcQuickGelu : ExpertKind::FcGelu;
    for (const auto& [layer, experts] : moeLayers) {
        if (layer < 0 || layer >= config.numHiddenLayers)
            throw InputError("MoE ViT: layer " + std::to_string(layer) + " does not exist (" +
                             std::to_string(config.numHiddenLayers) + " layers)");
        MoeBlockWeights b;
        b.kind = kind;
        b.topK = topK;
        b.router = at::zeros({experts, config.hiddenSize});
        for (int e = 0; e < experts; ++e)
            b.experts.push_back(
                {at::zeros({config.intermediateSize, config.hiddenSize}), at::zeros({config.intermediateSize}),
                 at::zeros({config.hiddenSize, config.intermediateSize}), at::zeros({config.hiddenSize})});
        m_blocks[layer] = std::move(b);
    }
}

at::Tensor MoeVitBackbone::embed(const at::Tensor& images)
{
    return embed(images, nullptr);
}

at::Tensor MoeVitBackbone::embed(const at::Tensor& images, MoeRouting* routing)
{
    const auto& c = m_model->config;
    if (images.dim() != 4 || images.size(1) != c.numChannels || images.size(2) != c.imageSize ||
        images.size(3) != c.imageSize)
        throw InputError("images of shape " + std::string(c10::str(images.sizes())) + " do not fit the MoE ViT");
    auto& vm = m_model->vision_model;
    at::Tensor h = vm->pre_layrnorm->forward(vm->embeddings->forward(images));
    int index = 0;
    for (const auto& module : *vm->encoder->layers) {
        auto* layer = module->as<ClipEncoderLayerImpl>();
        h = h + layer->self_attn->forward(layer->layer_norm1->forward(h));
        at::Tensor x = layer->layer_norm2->forward(h);
        auto block = m_blocks.find(index);
        if (block == m_blocks.end()) {
            h = h + layer->mlp->forward(x);
        } else {
            at::Tensor chosen, probs;
            h = h + moeBlockForward(block->second, x, &chosen, routing ? &probs : nullptr);
            if (routing) {
                if (routing->keepInputs)
                    routing->inputs[index].push_back(x.reshape({-1, x.size(-1)}).detach().clone());
                routing->selected[index].push_back(chosen.clone());
                routing->probs[index] = probs;
            }
        }
        ++index;
    }
    return m_model->visual_projection->forward(vm->post_layernorm->forward(h.select(1, 0)));
}

std::map<std::string, at::Tensor> MoeVitBackbone::parameters() const
{
    std::map<std::string, at::Tensor> out;
    for (const auto& item : m_model->named_parameters()) {
        bool replaced = false;
        for (const auto& [layer, block] : m_blocks)
            if (item.key().rfind("vision_model.encoder.layers." + std::to_string(layer) + ".mlp.", 0) == 0)
                replaced = true;
        if (!replaced)
            out[item.key()] = item.value();
    }
    static const char* roles[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    for (const auto& [layer, block] : m_blocks) {
        const std::string prefix = "vision_model.encoder.layers." + std::to_string(layer) + ".moe.";
        out[prefix + "gate.weight"] = block.router;
        for (std::size_t e = 0; e < block.experts.size(); ++e)
            for (std::size_t r = 0; r < 4; ++r)
                out[prefix + "experts." + std::to_string(e) + "." + roles[r]] = block.experts[e][r];
    }
    return out;
}

std::vector<at::Tensor> MoeVitBackbone::setTrainable(bool routers, bool experts)
{
    for (auto& p : m_model->parameters())
        p.set_requires_grad(false);
    std::vector<at::Tensor> trainable;
    for (auto& [layer, block] : m_blocks) {
        block.router = block.router.detach().set_requires_grad(routers);
        if (routers)
            trainable.push_back(block.router);
        for (auto& expert : block.experts)
            for (auto& t : expert) {
                t = t.detach().set_requires_grad(experts);
                if (experts)
                    trainable.push_back(t);
            }
    }
    return trainable;
}

std::vector<int64_t> MoeVitBackbone::inputShape() const
{
    const auto& c = m_model->config;
    return {c.numChannels, c.imageSize, c.imageSize};
}

std::unique_ptr<MoeVitBackbone> loadMoeVit(const std::string& path)
{
    const auto checkpoint = Checkpoint::open(path);
    const MoeLayout layout = detectMoeLayout(*checkpoint);
    if (layout.family != MoeFamily::MoeVit)
        throw InputError(path, {},
                         std::string("not an MoE ViT (the experts follow the ") + moeFamilyName(layout.family) +
                             " layout)");
    if (layout.configPath.empty())
        throw InputError(path, {}, "an MoE ViT needs its config.json beside the weights");
    const ClipVisionConfig config = ClipVisionConfig::load(layout.configPath);
    std::map<int, int> moeLayers;
    for (const MoeLayer& l : layout.layers)
        moeLayers[l.layer] = static_cast<int>(l.experts.size());
    auto model = std::make_unique<MoeVitBackbone>(config, moeLayers, layout.topK > 0 ? layout.topK : 2);
    std::map<std::string, at::Tensor> tensors;
    for (const TensorInfo& t : checkpoint->tensors())
        tensors[t.name] = toTorch(checkpoint->read(t.name)).to(at::kFloat);
    model->setParameters(tensors, true, path);
    return model;
}

} // namespace mergelab
