// The per-tensor statistics kernel: three sweeps over a tensor's coordinates in cache-sized
// blocks (1: dot products, norms, value histograms; 2: the trim threshold of large tensors;
// 3: sign patterns of the trimmed task vectors). Inputs are converted block by block, so no
// whole-tensor temporaries are made.
#include "analysis/tensor_kernel.h"

#include "common/error.h"

#include <c10/util/Half.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mergelab {

namespace {

constexpr int64_t kBlock = 1024;

inline uint32_t magnitudeBits(double value)
{
    const float f = std::fabs(static_cast<float>(value));
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

// Elements [start, start + count) of `data` as doubles.
inline void loadBlock(const TensorData& data, int64_t start, int64_t count, double* out)
{
    const uint8_t* bytes = data.data();
    switch (data.info().dtype) {
    case DType::F32: {
        const uint8_t* p = bytes + start * 4;
        for (int64_t k = 0; k < count; ++k) {
            float v; // memcpy: the bytes need not be 4-aligned; compiles to a plain load
            std::memcpy(&v, p + k * 4, 4);
            out[k] = v;
        }
        return;
    }
    case DType::F64:
        std::memcpy(out, bytes + start * 8, static_cast<std::size_t>(count) * 8);
        return;
    case DType::BF16: {
        uint16_t v[kBlock];
        std::memcpy(v, bytes + start * 2, static_cast<std::size_t>(count) * 2);
        for (int64_t k = 0; k < count; ++k) {
            const uint32_t bits = static_cast<uint32_t>(v[k]) << 16;
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out[k] = f;
        }
        return;
    }
    case DType::F16: {
        uint16_t v[kBlock];
        std::memcpy(v, bytes + start * 2, static_cast<std::size_t>(count) * 2);
        for (int64_t k = 0; k < count; ++k)
            out[k] = c10::detail::fp16_ieee_to_fp32_value(v[k]);
        return;
    }
    default:
        throw InputError({}, data.info().name,
                         std::string("not a floating tensor (") + dtypeName(data.info().dtype) + ")");
    }
}

// Σ a[k]·b[k] with four partial sums (independent chains the CPU can overlap).
inline double dot(const double* a, const double* b, int64_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; ++k)
        s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

// Loads the base block and the T task-vector blocks (τi = θi − θ0) into ws.blocks:
// [0, kBlock) base, then kBlock per model.
inline void loadTaskBlocks(const TensorData& base, const std::vector<TensorData>& models, int64_t start, int64_t count,
                           double* blocks, int onlyModel = -1)
{
    double* b = blocks;
    loadBlock(base, start, count, b);
    const int T = static_cast<int>(models.size());
    for (int m = 0; m < T; ++m) {
        if (onlyModel >= 0 && m != onlyModel)
            continue;
        double* t = blocks + kBlock * (m + 1);
        loadBlock(models[m], start, count, t);
        for (int64_t k = 0; k < count; ++k)
            t[k] -= b[k];
    }
}

} // namespace

uint32_t kthLargestMagnitudeBits(std::vector<uint32_t>& magnitudeBits, int64_t k)
{
    const auto n = static_cast<int64_t>(magnitudeBits.size());
    k = std::clamp<int64_t>(k, 1, n);
    auto nth = magnitudeBits.begin() + (k - 1);
    std::nth_element(magnitudeBits.begin(), nth, magnitudeBits.end(), std::greater<uint32_t>());
    return *nth;
}

void accumulateTensor(const TensorData& base, const std::vector<TensorData>& models, const KernelOptions& options,
                      KernelWorkspace& ws, StatsAccumulator& stats, std::vector<FineHistogram>& histograms)
{
    const int T = static_cast<int>(models.size());
    const int64_t n = base.info().numel();
    const bool trimAll = options.density >= 1.0;
    const bool small = n <= options.exactSelectionMaxNumel;
    const int64_t k = std::max<int64_t>(1, static_cast<int64_t>(std::floor(options.density * static_cast<double>(n))));

    ws.blocks.assign(static_cast<std::size_t>(kBlock) * (T + 1), 0.0);
    double* blocks = ws.blocks.data();
    if (small) {
        ws.magnitudes.resize(T);
        for (auto& v : ws.magnitudes) {
            v.clear();
            v.reserve(static_cast<std::size_t>(n));
        }
    } else {
        ws.tensorHistogram.assign(static_cast<std::size_t>(T) * FineHistogram::kBuckets, 0);
    }

    // Sweep 1: norms, dot products, value histograms (and small tensors' magnitudes).
    std::vector<double> gram(static_cast<std::size_t>(T) * T, 0.0);
    double baseSquares = 0.0;
    for (int64_t start = 0; start < n; start += kBlock) {
        const int64_t count = std::min(kBlock, n - start);
        loadTaskBlocks(base, models, start, count, blocks);
        baseSquares += dot(blocks, blocks, count);
        for (int i = 0; i < T; ++i) {
            const double* ti = blocks + kBlock * (i + 1);
            for (int j = i; j < T; ++j)
                gram[i * T + j] += dot(ti, blocks + kBlock * (j + 1), count);
            if (small) {
                uint64_t* hist = histograms[i].data();
                for (int64_t e = 0; e < count; ++e) {
                    const uint32_t bucket = FineHistogram::bucketOf(static_cast<float>(ti[e]));
                    ++hist[bucket];
                    ws.magnitudes[i].push_back(magnitudeBits(ti[e]));
                }
            } else {
                uint64_t* hist = ws.tensorHistogram.data() + static_cast<std::size_t>(i) * FineHistogram::kBuckets;
                for (int64_t e = 0; e < count; ++e)
                    ++hist[FineHistogram::bucketOf(static_cast<float>(ti[e]))];
            }
        }
    }

    // Sweep 2: the trim threshold per model (as magnitude bits; 0 keeps every nonzero entry).
    std::vector<uint32_t> threshold(T, 0);
    if (!trimAll && small) {
        for (int m = 0; m < T; ++m)
            threshold[m] = kthLargestMagnitudeBits(ws.magnitudes[m], k);
    } else if (!trimAll) {
        // Radix select: per model, the magnitude bucket (top 16 bits) holding the k-th largest,
        // then one sweep collecting every model's members of its bucket for an exact selection.
        std::vector<uint32_t> bucket(T, 0);
        std::vector<uint64_t> above(T, 0);
        for (int m = 0; m < T; ++m) {
            const uint64_t* hist = ws.tensorHistogram.data() + static_cast<std::size_t>(m) * FineHistogram::kBuckets;
            for (int b = 0x7FFF; b >= 0; --b) {
                const uint64_t here = hist[b] + hist[b | 0x8000];
                if (above[m] + here >= static_cast<uint64_t>(k)) {
                    bucket[m] = static_cast<uint32_t>(b);
                    break;
                }
                above[m] += here;
            }
        }
        ws.perModelCandidates.resize(T);
        for (auto& c : ws.perModelCandidates)
            c.clear();
        for (int64_t start = 0; start < n; start += kBlock) {
            const int64_t count = std::min(kBlock, n - start);
            loadTaskBlocks(base, models, start, count, blocks);
            for (int m = 0; m < T; ++m) {
                const double* t = blocks + kBlock * (m + 1);
                std::vector<uint32_t>& candidates = ws.perModelCandidates[m];
                const uint32_t b = bucket[m];
                for (int64_t e = 0; e < count; ++e) {
                    const uint32_t bits = magnitudeBits(t[e]);
                    if ((bits >> 16) == b)
                        candidates.push_back(bits);
                }
            }
        }
        for (int m = 0; m < T; ++m)
            threshold[m] = kthLargestMagnitudeBits(ws.perModelCandidates[m], static_cast<int64_t>(k - above[m]));
    }
    if (!small) {
        for (int m = 0; m < T; ++m) {
            uint64_t* hist = histograms[m].data();
            const uint64_t* src = ws.tensorHistogram.data() + static_cast<std::size_t>(m) * FineHistogram::kBuckets;
            for (int b = 0; b < FineHistogram::kBuckets; ++b)
                hist[b] += src[b];
        }
    }

    // Sweep 3: sign patterns of the trimmed task vectors (kept: |τ| >= threshold and τ != 0).
    const bool useCodes = T <= StatsAccumulator::kMaxCodeModels;
    // Four interleaved count tables: most coordinates share one code, and consecutive increments
    // of a single counter would wait on each other.
    const std::size_t codes = std::size_t{1} << (2 * T);
    if (useCodes)
        ws.codeCounts.assign(4 * codes, 0);
    for (int64_t start = 0; start < n; start += kBlock) {
        const int64_t count = std::min(kBlock, n - start);
        loadTaskBlocks(base, models, start, count, blocks);
        for (int64_t e = 0; e < count; ++e) {
            // Branch-free: which entries are kept is data-dependent and unpredictable.
            uint32_t pos = 0, neg = 0;
            for (int m = 0; m < T; ++m) {
                const double t = blocks[kBlock * (m + 1) + e];
                const uint32_t bits = magnitudeBits(t);
                const uint32_t kept = static_cast<uint32_t>(bits >= threshold[m]) & static_cast<uint32_t>(bits != 0);
                pos |= (kept & static_cast<uint32_t>(t > 0)) << m;
                neg |= (kept & static_cast<uint32_t>(t < 0)) << m;
            }
            if (useCodes)
                ++ws.codeCounts[(static_cast<std::size_t>(e & 3) * codes) | pos | (neg << T)];
            else
                stats.addSignPattern(pos, neg);
        }
    }
    if (useCodes) {
        for (std::size_t c = 0; c < codes; ++c)
            ws.codeCounts[c] += ws.codeCounts[codes + c] + ws.codeCounts[2 * codes + c] + ws.codeCounts[3 * codes + c];
        ws.codeCounts.resize(codes);
        stats.addSignCodes(ws.codeCounts);
    }

    stats.numel += n;
    stats.baseSquares += baseSquares;
    for (int i = 0; i < T; ++i)
        for (int j = i; j < T; ++j) {
            stats.gram[i * T + j] += gram[i * T + j];
            if (j != i)
                stats.gram[j * T + i] += gram[i * T + j];
        }
}

} // namespace mergelab
