// MergeLab's MoE ViT (docs/formats.md, "MoE ViT checkpoints"): the native CLIP ViT of core/models
// with routed experts in place of the MLP of some encoder layers. A Backbone, so the evaluator can run it.
#pragma once

#include "models/backbone.h"
#include "models/clip_vit.h"
#include "models/moe_routing.h"
#include "moe/sparse_moe_block.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// The MoE ViT. Parameters use the checkpoint names (dense MLPs of MoE layers are absent).
class MoeVitBackbone : public Backbone {
public:
    // config: CLIP vision config; moeLayers: encoder layer index -> experts; topK experts per token.
    MoeVitBackbone(const ClipVisionConfig& config, const std::map<int, int>& moeLayers, int topK);

    at::Tensor embed(const at::Tensor& images) override;
    // Same, recording router inputs and choices of every MoE layer into `routing`.
    at::Tensor embed(const at::Tensor& images, MoeRouting* routing);
    std::map<std::string, at::Tensor> parameters() const override;
    int64_t embeddingSize() const override { return m_model->config.projectionDim; }
    std::vector<int64_t> inputShape() const override;

    const std::map<int, MoeBlockWeights>& blocks() const { return m_blocks; }
    // Freezes every parameter, then makes the routers (and, with experts, the experts' tensors) require
    // gradients: the trainable set of router fine-tuning. Returns the tensors to optimise.
    std::vector<at::Tensor> setTrainable(bool routers, bool experts);

private:
    ClipVisionModel m_model;
    std::map<int, MoeBlockWeights> m_blocks; // layer -> router + experts (fc1.w, fc1.b, fc2.w, fc2.b)
};

// Opens an MoE ViT checkpoint (config.json beside it) and loads every parameter (strict).
// Throws InputError/FormatError naming the file for another family or a missing tensor.
std::unique_ptr<MoeVitBackbone> loadMoeVit(const std::string& path);

} // namespace mergelab
