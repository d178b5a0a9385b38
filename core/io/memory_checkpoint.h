#pragma once

#include "io/checkpoint.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace mergelab {

// A Checkpoint over tensors already in memory (the live tuner's inputs), so in-memory merges run
// through the same MergePlan as exports. read() views the tensors' memory without copying.
class MemoryCheckpoint : public Checkpoint {
public:
    // `path` names the file the tensors came from (error messages); tensors in name order.
    MemoryCheckpoint(std::string path, const std::map<std::string, at::Tensor>& tensors);

    const std::string& path() const override { return m_path; }
    std::string format() const override { return "memory"; }
    const std::vector<TensorInfo>& tensors() const override { return m_infos; }
    TensorData read(const std::string& name) const override;
    const std::map<std::string, std::string>& metadata() const override { return m_metadata; }

private:
    std::string m_path;
    std::vector<TensorInfo> m_infos;
    std::map<std::string, TensorData> m_data;
    std::map<std::string, std::string> m_metadata;
};

} // namespace mergelab
