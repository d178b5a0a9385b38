// TorchScript modules as backbones: the user's architecture, our (merged) parameters.
#include "models/torchscript_backbone.h"

#include "common/error.h"

#include <torch/script.h>

namespace mergelab {

namespace {

// The last non-empty line of a multi-line message (the error after a traceback): errors stay one line.
std::string lastLine(const std::string& text)
{
    std::size_t end = text.find_last_not_of("\n ");
    if (end == std::string::npos)
        return text;
    const std::size_t start = text.rfind('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1,
                       end + 1 - (start == std::string::npos ? 0 : start + 1));
}

} // namespace

TorchScriptBackbone::TorchScriptBackbone(const std::string& path) : m_path(path)
{
    try {
        m_module = std::make_unique<torch::jit::Module>(torch::jit::load(path));
        m_module->eval();
    } catch (const c10::Error& e) {
        throw FormatError(path, {}, "cannot load TorchScript module: " + std::string(e.what_without_backtrace()));
    }
}

TorchScriptBackbone::~TorchScriptBackbone() = default;

at::Tensor TorchScriptBackbone::embed(const at::Tensor& images)
{
    c10::IValue out;
    try {
        out = m_module->forward({images});
    } catch (const c10::Error& e) {
        throw InputError(m_path, {}, "forward failed: " + lastLine(e.what_without_backtrace()));
    } catch (const std::exception& e) {
        // Errors raised inside TorchScript code (torch::jit::JITException) carry a script traceback.
        throw InputError(m_path, {}, "forward failed: " + lastLine(e.what()));
    }
    at::Tensor embeds;
    if (out.isTensor())
        embeds = out.toTensor();
    else if (out.isTuple() && !out.toTupleRef().elements().empty() && out.toTupleRef().elements()[0].isTensor())
        embeds = out.toTupleRef().elements()[0].toTensor();
    else if (out.isList() && out.toListRef().size() > 0 && out.toListRef()[0].isTensor())
        embeds = out.toListRef()[0].toTensor();
    else if (out.isGenericDict()) {
        for (const auto& item : out.toGenericDict())
            if (item.key().isString() && item.key().toStringRef() == "image_embeds" && item.value().isTensor())
                embeds = item.value().toTensor();
    }
    if (!embeds.defined() || embeds.dim() != 2)
        throw InputError(m_path, {},
                         "forward must return embeddings [N, D] (a tensor, a tuple starting with one, or a "
                         "dict with \"image_embeds\")");
    m_embeddingSize = embeds.size(1);
    return embeds;
}

std::map<std::string, at::Tensor> TorchScriptBackbone::parameters() const
{
    std::map<std::string, at::Tensor> out;
    for (const auto& p : m_module->named_parameters(/*recurse=*/true))
        out[p.name] = p.value;
    return out;
}

} // namespace mergelab
