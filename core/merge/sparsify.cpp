#include "merge/sparsify.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace mergelab {

uint64_t derivedSeed(uint64_t seed, const std::string& tensorName, std::size_t modelIndex)
{
    const std::string text = std::to_string(seed) + ":" + tensorName + ":" + std::to_string(modelIndex);
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h & 0x7fffffffffffffffull;
}

namespace {

// sparsifyMagnitude on a contiguous float32 CPU tensor in three plain passes (magnitudes,
// nth_element, keep/zero) instead of about ten tensor ops; false (nothing changed) when a NaN
// makes the order undefined: the tensor-op version handles that case.
bool keepLargestFloat(float* data, int64_t n, int64_t k)
{
    std::vector<float> magnitude(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        magnitude[i] = std::fabs(data[i]);
        if (std::isnan(magnitude[i]))
            return false;
    }
    // The k-th largest magnitude.
    auto kth = magnitude.begin() + (k - 1);
    std::nth_element(magnitude.begin(), kth, magnitude.end(), std::greater<float>());
    const float threshold = *kth;
    int64_t above = 0;
    for (auto it = magnitude.begin(); it != kth; ++it) // the k - 1 entries before kth are >= threshold
        above += *it > threshold;
    int64_t equalLeft = k - above; // places left for magnitudes equal to the threshold, lowest index first
    for (int64_t i = 0; i < n; ++i) {
        const float a = std::fabs(data[i]);
        if (a > threshold)
            continue;
        if (a == threshold && equalLeft > 0) {
            --equalLeft;
            continue;
        }
        data[i] = 0.0f;
    }
    return true;
}

} // namespace

at::Tensor& sparsifyMagnitude(at::Tensor& delta, double density)
{
    if (density >= 1)
        return delta;
    const int64_t n = delta.numel();
    const auto k = static_cast<int64_t>(density * static_cast<double>(n));
    if (k <= 0) { // mergekit asserts here; an all-dropped delta leaves the base's value
        delta.zero_();
        return delta;
    }
    if (delta.scalar_type() == at::kFloat && delta.device().is_cpu() && delta.is_contiguous() &&
        keepLargestFloat(delta.data_ptr<float>(), n, k))
        return delta;
    at::Tensor flat = delta.view({-1});
    at::Tensor magnitude = flat.abs();
    // The k-th largest magnitude; selection is O(n), unlike mergekit's full argsort.
    const at::Tensor threshold = std::get<0>(magnitude.kthvalue(n - k + 1));
    at::Tensor keep = magnitude.gt(threshold);
    const int64_t above = keep.sum().item<int64_t>();
    if (above < k) {
        // Magnitudes equal to the threshold fill the remaining places, lowest index first.
        at::Tensor equal = magnitude.eq(threshold);
        at::Tensor rank = equal.cumsum(0, at::kLong);
        keep.logical_or_(equal.logical_and_(rank.le_(k - above)));
    }
    flat.mul_(keep);
    return delta;
}

at::Tensor& sparsifyRandom(at::Tensor& delta, double density, bool rescale, uint64_t seed)
{
    if (density >= 1)
        return delta;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    at::Tensor mask = at::empty_like(delta);
    mask.bernoulli_(density, gen); // the kernel locks the generator itself
    delta.mul_(mask);
    if (rescale)
        delta.div_(density);
    return delta;
}

at::Tensor& sparsifyMagnitudeOutliers(at::Tensor& delta, double density, double gamma)
{
    if (density >= 1)
        return delta;
    const int64_t n = delta.numel();
    const auto target = static_cast<int64_t>(density * static_cast<double>(n));
    auto nTop = static_cast<int64_t>(gamma * static_cast<double>(n));
    int64_t nBottom = n - target - nTop;
    if (nBottom < 0) {
        nTop += nBottom;
        nBottom = 0;
    }
    if (nTop == 0 && nBottom == 0)
        return delta;
    at::Tensor flat = delta.view({-1});
    // Stable ascending sort: equal magnitudes keep index order, so the result is deterministic.
    const at::Tensor order = std::get<1>(flat.abs().sort(/*stable=*/true, /*dim=*/0, /*descending=*/false));
    // mergekit keeps indices[n_bot:-n_top], which is empty when n_top == 0 (a bug for small
    // tensors); MergeLab keeps ranks [n_bot, n - n_top) as the method describes.
    at::Tensor keep = at::zeros({n}, delta.options().dtype(at::kBool));
    keep.index_fill_(0, order.slice(0, nBottom, n - nTop), true);
    flat.mul_(keep);
    return delta;
}

} // namespace mergelab
