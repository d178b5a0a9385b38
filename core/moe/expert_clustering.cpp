// UPGMA on a few dozen experts: the O(n^3) textbook loop is plenty (n <= 256 in real MoEs).
#include "moe/expert_clustering.h"

#include "common/error.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

namespace mergelab {

std::vector<LinkageRow> averageLinkage(const std::vector<double>& similarity, int n)
{
    if (n < 1 || similarity.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(n))
        throw InputError("expert clustering: similarity matrix has " + std::to_string(similarity.size()) +
                         " entries, expected " + std::to_string(n) + " x " + std::to_string(n));
    // Active clusters: id -> members count; distances between active clusters.
    std::vector<int> ids(static_cast<std::size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    std::vector<int> sizes(static_cast<std::size_t>(n), 1);
    std::vector<std::vector<double>> dist(static_cast<std::size_t>(n),
                                          std::vector<double>(static_cast<std::size_t>(n)));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) // symmetrised, so an asymmetric input cannot make the tree order-dependent
            dist[i][j] = 1.0 - 0.5 * (similarity[static_cast<std::size_t>(i * n + j)] +
                                      similarity[static_cast<std::size_t>(j * n + i)]);
    std::vector<bool> alive(static_cast<std::size_t>(n), true);
    std::vector<LinkageRow> rows;
    for (int step = 0; step < n - 1; ++step) {
        int bi = -1, bj = -1;
        double best = std::numeric_limits<double>::infinity();
        for (int i = 0; i < n; ++i) {
            if (!alive[i])
                continue;
            for (int j = i + 1; j < n; ++j) {
                if (!alive[j])
                    continue;
                const double d = dist[i][j];
                const int lo = std::min(ids[i], ids[j]), hi = std::max(ids[i], ids[j]);
                const int blo = bi < 0 ? 0 : std::min(ids[bi], ids[bj]);
                const int bhi = bi < 0 ? 0 : std::max(ids[bi], ids[bj]);
                if (bi < 0 || d < best - 1e-12 || (d <= best + 1e-12 && (lo < blo || (lo == blo && hi < bhi)))) {
                    best = d;
                    bi = i;
                    bj = j;
                }
            }
        }
        LinkageRow row;
        row.a = std::min(ids[bi], ids[bj]);
        row.b = std::max(ids[bi], ids[bj]);
        row.distance = std::max(best, 0.0);
        row.count = sizes[bi] + sizes[bj];
        rows.push_back(row);
        // Slot bi becomes the new cluster (size-weighted average of distances = UPGMA).
        for (int k = 0; k < n; ++k) {
            if (!alive[k] || k == bi || k == bj)
                continue;
            const double d = (sizes[bi] * dist[bi][k] + sizes[bj] * dist[bj][k]) / (sizes[bi] + sizes[bj]);
            dist[bi][k] = dist[k][bi] = d;
        }
        sizes[bi] += sizes[bj];
        ids[bi] = n + step;
        alive[bj] = false;
    }
    return rows;
}

namespace {

// Labels after applying the first `merges` rows (union-find over cluster ids).
std::vector<int> applyMerges(const std::vector<LinkageRow>& tree, int n, int merges)
{
    std::vector<int> parent(static_cast<std::size_t>(2 * n), -1);
    auto root = [&](int x) {
        while (parent[x] >= 0)
            x = parent[x];
        return x;
    };
    for (int i = 0; i < merges; ++i) {
        parent[root(tree[i].a)] = n + i;
        parent[root(tree[i].b)] = n + i;
    }
    std::vector<int> labels(static_cast<std::size_t>(n));
    std::map<int, int> labelOfRoot; // first appearance in item order = smallest member first
    for (int i = 0; i < n; ++i) {
        const int r = root(i);
        auto it = labelOfRoot.find(r);
        if (it == labelOfRoot.end())
            it = labelOfRoot.emplace(r, static_cast<int>(labelOfRoot.size())).first;
        labels[i] = it->second;
    }
    return labels;
}

} // namespace

std::vector<int> cutToCount(const std::vector<LinkageRow>& tree, int n, int k)
{
    if (k < 1 || k > n)
        throw InputError("cannot group " + std::to_string(n) + " experts into " + std::to_string(k) + " (expected 1.." +
                         std::to_string(n) + ")");
    if (tree.size() + 1 != static_cast<std::size_t>(n))
        throw InputError("expert clustering: merge tree does not fit " + std::to_string(n) + " experts");
    return applyMerges(tree, n, n - k);
}

std::vector<int> cutBySimilarity(const std::vector<LinkageRow>& tree, int n, double minSimilarity)
{
    int merges = 0;
    while (merges < static_cast<int>(tree.size()) && tree[merges].distance <= 1.0 - minSimilarity + 1e-12)
        ++merges;
    return applyMerges(tree, n, merges);
}

std::vector<std::vector<int>> groupsFromLabels(const std::vector<int>& labels)
{
    int count = 0;
    for (int l : labels)
        count = std::max(count, l + 1);
    std::vector<std::vector<int>> groups(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < labels.size(); ++i)
        groups[labels[i]].push_back(static_cast<int>(i));
    return groups;
}

} // namespace mergelab
