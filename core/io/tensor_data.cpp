#include "io/tensor_data.h"

namespace mergelab {

int64_t TensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string TensorInfo::shapeString() const
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

TensorData::TensorData(TensorInfo info, std::shared_ptr<const void> owner, const uint8_t* bytes)
    : m_info(std::move(info)), m_owner(std::move(owner)), m_bytes(bytes)
{}

TensorData TensorData::fromBuffer(TensorInfo info, std::vector<uint8_t> bytes)
{
    auto holder = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
    const uint8_t* p = holder->data();
    return TensorData(std::move(info), std::shared_ptr<const void>(holder, holder.get()), p);
}

} // namespace mergelab
