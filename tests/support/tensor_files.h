// tests/support: writes a name -> tensor map as a float32 safetensors file (fixtures of the
// evaluation, mergeability, CLI and GUI tests).
#pragma once

#include "io/checkpoint_writer.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <vector>

namespace testsupport {

inline void writeTensors(const std::string& path, const std::map<std::string, at::Tensor>& tensors)
{
    std::vector<mergelab::TensorData> data;
    std::vector<mergelab::TensorInfo> plan;
    for (const auto& [name, t] : tensors) {
        data.push_back(mergelab::fromTorch(name, t.contiguous(), mergelab::DType::F32));
        plan.push_back(data.back().info());
    }
    mergelab::WriteOptions options;
    options.format = "safetensors";
    auto writer = mergelab::CheckpointWriter::create(path, plan, options);
    for (const auto& d : data)
        writer->write(d);
    writer->commit();
}

} // namespace testsupport
