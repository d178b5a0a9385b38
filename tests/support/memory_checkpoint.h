// tests/support: a Checkpoint held in memory (no file format involved), built from raw bytes or
// torch tensors; it counts reads (the analysis must read each tensor once).
#pragma once

#include "io/checkpoint.h"
#include "io/torch_tensor.h"

#include <ATen/ATen.h>

#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mergelab::test {

class MemoryCheckpoint : public Checkpoint {
public:
    explicit MemoryCheckpoint(std::string path) : m_path(std::move(path)) {}

    // Adds a tensor of raw little-endian bytes.
    void addBytes(const std::string& name, DType dtype, std::vector<int64_t> shape, std::vector<uint8_t> bytes)
    {
        TensorInfo info;
        info.name = name;
        info.dtype = dtype;
        info.shape = std::move(shape);
        info.byteSize = static_cast<uint64_t>(info.numel()) * dtypeSize(dtype);
        if (bytes.size() != info.byteSize)
            throw std::logic_error("test tensor " + name + " has the wrong byte count");
        m_infos.push_back(info);
        m_data[name] = TensorData::fromBuffer(info, std::move(bytes));
    }
    void addF32(const std::string& name, std::vector<int64_t> shape, const std::vector<float>& values)
    {
        std::vector<uint8_t> bytes(values.size() * 4);
        std::memcpy(bytes.data(), values.data(), bytes.size());
        addBytes(name, DType::F32, std::move(shape), std::move(bytes));
    }
    void addI64(const std::string& name, const std::vector<int64_t>& values)
    {
        std::vector<uint8_t> bytes(values.size() * 8);
        std::memcpy(bytes.data(), values.data(), bytes.size());
        addBytes(name, DType::I64, {static_cast<int64_t>(values.size())}, std::move(bytes));
    }
    // Adds a torch tensor (its dtype and shape, contiguous bytes).
    MemoryCheckpoint& add(const std::string& name, const at::Tensor& tensor)
    {
        TensorData data = fromTorch(name, tensor.contiguous());
        m_infos.push_back(data.info());
        m_data[name] = data;
        return *this;
    }

    const std::string& path() const override { return m_path; }
    std::string format() const override { return "memory"; }
    const std::vector<TensorInfo>& tensors() const override { return m_infos; }
    TensorData read(const std::string& name) const override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_reads[name];
        return m_data.at(name);
    }
    const std::map<std::string, std::string>& metadata() const override { return m_metadata; }

    // How often read(name) was called.
    int readCount(const std::string& name) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_reads.find(name);
        return it == m_reads.end() ? 0 : it->second;
    }

private:
    std::string m_path;
    std::vector<TensorInfo> m_infos;
    std::map<std::string, TensorData> m_data;
    std::map<std::string, std::string> m_metadata;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, int> m_reads;
};

// A 1-D float32 tensor of `values`.
inline at::Tensor vec(std::vector<float> values)
{
    return at::tensor(at::ArrayRef<float>(values), at::kFloat);
}

} // namespace mergelab::test
