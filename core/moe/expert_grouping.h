// The baselines merging-to-prune is measured against: random groups and dropping the least-used experts.
#pragma once

#include <cstdint>
#include <vector>

namespace mergelab {

// A random partition of experts 0..experts-1 into k non-empty groups: a seeded permutation, its first
// k experts found the groups, every other expert joins a uniformly drawn group. Deterministic for a
// seed on every platform (mt19937_64, own range reduction). Groups are sorted and ordered by their
// smallest member, like cutToCount(). Throws InputError when k is outside 1..experts.
std::vector<std::vector<int>> randomExpertGroups(int experts, int k, uint64_t seed);

// The k most used experts (ties: the lower id), each alone, in ascending id order: what is kept when
// the others are dropped (ExpertMergeOptions::dropUngrouped). Throws InputError when k is outside
// 1..usage.size().
std::vector<std::vector<int>> mostUsedExperts(const std::vector<double>& usage, int k);

} // namespace mergelab
