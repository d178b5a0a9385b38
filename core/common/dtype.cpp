#include "common/dtype.h"

#include <algorithm>
#include <cctype>

namespace mergelab {

std::size_t dtypeSize(DType t)
{
    switch (t) {
    case DType::F64:
    case DType::I64:
        return 8;
    case DType::F32:
    case DType::I32:
        return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16:
        return 2;
    case DType::I8:
    case DType::U8:
    case DType::BOOL:
        return 1;
    }
    return 0;
}

const char* dtypeName(DType t)
{
    switch (t) {
    case DType::F64:
        return "F64";
    case DType::F32:
        return "F32";
    case DType::F16:
        return "F16";
    case DType::BF16:
        return "BF16";
    case DType::I64:
        return "I64";
    case DType::I32:
        return "I32";
    case DType::I16:
        return "I16";
    case DType::I8:
        return "I8";
    case DType::U8:
        return "U8";
    case DType::BOOL:
        return "BOOL";
    }
    return "?";
}

std::optional<DType> parseDType(const std::string& name)
{
    for (DType t : {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16, DType::I8,
                    DType::U8, DType::BOOL})
        if (name == dtypeName(t))
            return t;
    return std::nullopt;
}

std::optional<DType> parseUserDType(const std::string& name)
{
    std::string s = name;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "f64" || s == "float64" || s == "fp64" || s == "double")
        return DType::F64;
    if (s == "f32" || s == "float32" || s == "fp32" || s == "float")
        return DType::F32;
    if (s == "f16" || s == "float16" || s == "fp16" || s == "half")
        return DType::F16;
    if (s == "bf16" || s == "bfloat16")
        return DType::BF16;
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    return parseDType(upper);
}

bool isFloating(DType t)
{
    return t == DType::F64 || t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

} // namespace mergelab
