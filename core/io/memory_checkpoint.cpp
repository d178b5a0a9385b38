#include "io/memory_checkpoint.h"

#include "common/error.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>

namespace mergelab {

MemoryCheckpoint::MemoryCheckpoint(std::string path, const std::map<std::string, at::Tensor>& tensors)
    : m_path(std::move(path))
{
    for (const auto& [name, tensor] : tensors) {
        TensorData data = fromTorch(name, tensor.contiguous()); // shares the tensor's storage
        m_infos.push_back(data.info());
        m_data.emplace(name, std::move(data));
    }
}

TensorData MemoryCheckpoint::read(const std::string& name) const
{
    auto it = m_data.find(name);
    if (it == m_data.end())
        throw FormatError(m_path, name, "no such tensor");
    return it->second;
}

} // namespace mergelab
