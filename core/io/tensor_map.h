// Whole models held in memory as name -> tensor maps (learned merges, training, fixtures), and
// writing one to disk.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace mergelab {

using TensorMap = std::map<std::string, at::Tensor>;

// Writes one safetensors file (never sharded; atomic: temporary name + rename), floating tensors as
// float32, others as they are, in name order. Throws IoError naming `path`.
void saveTensorMap(const std::string& path, const TensorMap& tensors,
                   const std::map<std::string, std::string>& metadata = {});

} // namespace mergelab
