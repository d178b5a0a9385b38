#include "io/tensor_map.h"

#include "io/checkpoint_writer.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>

#include <utility>
#include <vector>

namespace mergelab {

void saveTensorMap(const std::string& path, const TensorMap& tensors,
                   const std::map<std::string, std::string>& metadata)
{
    std::vector<TensorInfo> plan;
    std::vector<std::pair<std::string, at::Tensor>> ordered;
    for (const auto& [name, t] : tensors) {
        at::Tensor c = at::isFloatingType(t.scalar_type()) ? t.detach().to(at::kFloat).contiguous() : t.contiguous();
        TensorInfo info;
        info.name = name;
        info.dtype = fromScalarType(c.scalar_type());
        info.shape = c.sizes().vec();
        info.byteSize = static_cast<uint64_t>(c.numel()) * dtypeSize(info.dtype);
        plan.push_back(info);
        ordered.emplace_back(name, c);
    }
    WriteOptions options;
    options.format = "safetensors";
    options.shardSize = 0;
    options.metadata = metadata;
    auto writer = CheckpointWriter::create(path, plan, options);
    for (const auto& [name, t] : ordered)
        writer->write(fromTorch(name, t));
    writer->commit();
}

} // namespace mergelab
