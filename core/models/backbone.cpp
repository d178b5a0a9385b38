// Backbone: shared parameter replacement and the architecture factory.
#include "models/backbone.h"

#include "common/error.h"
#include "models/clip_vit.h"
#include "models/torchscript_backbone.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

namespace mergelab {

void Backbone::setParameters(const std::map<std::string, at::Tensor>& tensors, bool strict, const std::string& source)
{
    std::map<std::string, at::Tensor> params = parameters();
    at::NoGradGuard noGrad;
    for (auto& [name, param] : params) {
        auto it = tensors.find(name);
        if (it == tensors.end()) {
            if (strict)
                throw InputError(source, name, "missing (the architecture needs it)");
            continue;
        }
        if (!it->second.sizes().equals(param.sizes()))
            throw InputError(source, name,
                             "shape " + std::string(c10::str(it->second.sizes())) +
                                 " does not match the architecture's " + std::string(c10::str(param.sizes())));
        // Non-finite weights would only show up as a silently wrong accuracy.
        if (at::isFloatingType(it->second.scalar_type()) && !at::isfinite(it->second).all().item<bool>())
            throw InputError(source, name, "contains NaN or infinite values");
        param.copy_(it->second);
    }
}

std::unique_ptr<Backbone> makeBackbone(const std::string& type, const std::string& path)
{
    if (type == "clip_vit")
        return std::make_unique<ClipVitBackbone>(ClipVisionConfig::load(path));
    if (type == "torchscript")
        return std::make_unique<TorchScriptBackbone>(path);
    throw InputError(path, {}, "unknown architecture type \"" + type + "\" (clip_vit, torchscript)");
}

} // namespace mergelab
