// Test helper: the values of a TensorData as doubles, decoded by hand (independent of the readers).
#pragma once

#include "io/tensor_data.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace mergelab::testing {

inline double halfToDouble(uint16_t h)
{
    const int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    double v;
    if (exponent == 0)
        v = mantissa / 1024.0 / 16384.0; // subnormal: m * 2^-24
    else if (exponent == 31)
        v = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
    else
        v = (1.0 + mantissa / 1024.0) * std::ldexp(1.0, exponent - 15);
    return sign ? -v : v;
}

inline std::vector<double> valuesOf(const TensorData& data)
{
    std::vector<double> out;
    const int64_t n = data.info().numel();
    const uint8_t* p = data.data();
    for (int64_t i = 0; i < n; ++i) {
        switch (data.info().dtype) {
        case DType::F64: {
            double v;
            std::memcpy(&v, p + 8 * i, 8);
            out.push_back(v);
            break;
        }
        case DType::F32: {
            float v;
            std::memcpy(&v, p + 4 * i, 4);
            out.push_back(v);
            break;
        }
        case DType::F16: {
            uint16_t v;
            std::memcpy(&v, p + 2 * i, 2);
            out.push_back(halfToDouble(v));
            break;
        }
        case DType::BF16: {
            uint16_t v;
            std::memcpy(&v, p + 2 * i, 2);
            const uint32_t bits = uint32_t(v) << 16;
            float f;
            std::memcpy(&f, &bits, 4);
            out.push_back(f);
            break;
        }
        case DType::I64: {
            int64_t v;
            std::memcpy(&v, p + 8 * i, 8);
            out.push_back(double(v));
            break;
        }
        case DType::I32: {
            int32_t v;
            std::memcpy(&v, p + 4 * i, 4);
            out.push_back(v);
            break;
        }
        case DType::I16: {
            int16_t v;
            std::memcpy(&v, p + 2 * i, 2);
            out.push_back(v);
            break;
        }
        case DType::I8:
            out.push_back(static_cast<int8_t>(p[i]));
            break;
        case DType::U8:
            out.push_back(p[i]);
            break;
        case DType::BOOL:
            out.push_back(p[i] ? 1.0 : 0.0);
            break;
        }
    }
    return out;
}

} // namespace mergelab::testing
