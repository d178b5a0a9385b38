// core/models: native networks (CLIP-style ViT) and user TorchScript modules behind one
// "images -> embeddings" interface, with parameters replaceable by merged tensors.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mergelab {

// A network mapping images [N, C, H, W] (float, normalised) to embeddings [N, D].
class Backbone {
public:
    virtual ~Backbone() = default;
    // Forward pass; callers open c10::InferenceMode or NoGradGuard as they need.
    virtual at::Tensor embed(const at::Tensor& images) = 0;
    // Parameter name -> tensor (the live parameters, in checkpoint naming).
    virtual std::map<std::string, at::Tensor> parameters() const = 0;
    // Copies tensors into the parameters of the same name (converted to their dtype); names that
    // are not parameters (buffers such as position_ids, other towers) are ignored. strict: every
    // parameter must be given. Throws InputError naming `source` and the tensor on a missing
    // name, a wrong shape or non-finite values.
    void setParameters(const std::map<std::string, at::Tensor>& tensors, bool strict, const std::string& source);
    // Embedding width D.
    virtual int64_t embeddingSize() const = 0;
    // Input image shape expected (C, H, W); 0 entries when unknown.
    virtual std::vector<int64_t> inputShape() const = 0;
};

// Loads a backbone described by a project's architecture: "clip_vit" (config.json) or "torchscript".
std::unique_ptr<Backbone> makeBackbone(const std::string& type, const std::string& path);

} // namespace mergelab
