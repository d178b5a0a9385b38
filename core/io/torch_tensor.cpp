#include "io/torch_tensor.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <cstring>

namespace mergelab {

c10::ScalarType toScalarType(DType t)
{
    switch (t) {
    case DType::F64:
        return at::kDouble;
    case DType::F32:
        return at::kFloat;
    case DType::F16:
        return at::kHalf;
    case DType::BF16:
        return at::kBFloat16;
    case DType::I64:
        return at::kLong;
    case DType::I32:
        return at::kInt;
    case DType::I16:
        return at::kShort;
    case DType::I8:
        return at::kChar;
    case DType::U8:
        return at::kByte;
    case DType::BOOL:
        return at::kBool;
    }
    throw InputError("unknown dtype");
}

DType fromScalarType(c10::ScalarType t)
{
    switch (t) {
    case at::kDouble:
        return DType::F64;
    case at::kFloat:
        return DType::F32;
    case at::kHalf:
        return DType::F16;
    case at::kBFloat16:
        return DType::BF16;
    case at::kLong:
        return DType::I64;
    case at::kInt:
        return DType::I32;
    case at::kShort:
        return DType::I16;
    case at::kChar:
        return DType::I8;
    case at::kByte:
        return DType::U8;
    case at::kBool:
        return DType::BOOL;
    default:
        throw InputError(std::string("unsupported torch dtype ") + c10::toString(t));
    }
}

at::Tensor toTorch(const TensorData& data)
{
    const TensorInfo& info = data.info();
    auto owner = data.owner();
    auto options = at::TensorOptions().dtype(toScalarType(info.dtype)).device(at::kCPU);
    if (info.numel() == 0)
        return at::empty(info.shape, options);
    // from_blob wants a non-const pointer; the tensor is only read unless the caller clones it.
    void* bytes = const_cast<uint8_t*>(data.data());
    return at::from_blob(
        bytes, info.shape, [owner](void*) mutable { owner.reset(); }, options);
}

TensorData fromTorch(const std::string& name, const at::Tensor& tensor, DType dtype)
{
    at::Tensor t = tensor.to(at::kCPU, toScalarType(dtype)).contiguous();
    TensorInfo info;
    info.name = name;
    info.dtype = dtype;
    info.shape = t.sizes().vec();
    info.byteSize = static_cast<uint64_t>(t.numel()) * dtypeSize(dtype);
    // Keep the tensor's storage alive instead of copying.
    auto holder = std::make_shared<at::Tensor>(t);
    const auto* bytes = static_cast<const uint8_t*>(holder->data_ptr());
    return TensorData(std::move(info), std::shared_ptr<const void>(holder, holder.get()), bytes);
}

TensorData fromTorch(const std::string& name, const at::Tensor& tensor)
{
    return fromTorch(name, tensor, fromScalarType(tensor.scalar_type()));
}

} // namespace mergelab
