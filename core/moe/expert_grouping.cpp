// Random grouping and usage-based dropping of experts.
#include "moe/expert_grouping.h"

#include "common/error.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <string>

namespace mergelab {

namespace {

void checkCount(int experts, int k)
{
    if (k < 1 || k > experts)
        throw InputError("K = " + std::to_string(k) + " is out of range (expected 1.." + std::to_string(experts) + ")");
}

// Uniform in [0, n) from mt19937_64 (std::uniform_int_distribution differs between libraries).
int draw(std::mt19937_64& rng, int n)
{
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % uint64_t(n);
    uint64_t x;
    do
        x = rng();
    while (x >= limit);
    return static_cast<int>(x % uint64_t(n));
}

} // namespace

std::vector<std::vector<int>> randomExpertGroups(int experts, int k, uint64_t seed)
{
    checkCount(experts, k);
    std::mt19937_64 rng(seed);
    std::vector<int> order(static_cast<std::size_t>(experts));
    std::iota(order.begin(), order.end(), 0);
    for (int i = experts - 1; i > 0; --i) // Fisher-Yates
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(draw(rng, i + 1))]);
    std::vector<std::vector<int>> groups(static_cast<std::size_t>(k));
    for (int i = 0; i < experts; ++i)
        groups[static_cast<std::size_t>(i < k ? i : draw(rng, k))].push_back(order[static_cast<std::size_t>(i)]);
    for (auto& g : groups)
        std::sort(g.begin(), g.end());
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
    return groups;
}

std::vector<std::vector<int>> mostUsedExperts(const std::vector<double>& usage, int k)
{
    const int experts = static_cast<int>(usage.size());
    checkCount(experts, k);
    std::vector<int> order(usage.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return usage[static_cast<std::size_t>(a)] > usage[static_cast<std::size_t>(b)];
    });
    order.resize(static_cast<std::size_t>(k));
    std::sort(order.begin(), order.end());
    std::vector<std::vector<int>> groups;
    for (int e : order)
        groups.push_back({e});
    return groups;
}

} // namespace mergelab
