#include "analysis/stats_accumulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mergelab {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den)
{
    return den > 0.0 ? num / den : kNaN;
}
} // namespace

StatsAccumulator::StatsAccumulator(int modelCount)
    : gram(static_cast<std::size_t>(modelCount) * modelCount, 0.0), maskCounts(static_cast<std::size_t>(modelCount), 0),
      intersections(static_cast<std::size_t>(modelCount) * modelCount, 0),
      disagreements(static_cast<std::size_t>(modelCount) * modelCount, 0), m_models(modelCount)
{}

void StatsAccumulator::addSignPattern(uint32_t pos, uint32_t neg)
{
    const uint32_t sel = pos | neg;
    if (sel == 0)
        return;
    const int T = m_models;
    const bool several = (sel & (sel - 1)) != 0;
    if (several) {
        ++overlapCount;
        if (pos != 0 && neg != 0)
            ++conflictCount;
    }
    for (int i = 0; i < T; ++i) {
        if (!(sel >> i & 1u))
            continue;
        ++maskCounts[i];
        for (int j = 0; j < T; ++j) {
            if (j == i || !(sel >> j & 1u))
                continue;
            ++intersections[i * T + j];
            if (((pos >> i) & 1u) != ((pos >> j) & 1u))
                ++disagreements[i * T + j];
        }
    }
}

void StatsAccumulator::addSignCodes(const std::vector<uint64_t>& codeCounts)
{
    const int T = m_models;
    const uint32_t full = (1u << T) - 1u;
    for (std::size_t code = 0; code < codeCounts.size(); ++code) {
        const uint64_t c = codeCounts[code];
        if (c == 0)
            continue;
        const uint32_t pos = static_cast<uint32_t>(code) & full;
        const uint32_t neg = static_cast<uint32_t>(code >> T) & full;
        const uint32_t sel = pos | neg;
        if (sel == 0)
            continue;
        if ((sel & (sel - 1)) != 0) {
            overlapCount += c;
            if (pos != 0 && neg != 0)
                conflictCount += c;
        }
        for (int i = 0; i < T; ++i) {
            if (!(sel >> i & 1u))
                continue;
            maskCounts[i] += c;
            for (int j = 0; j < T; ++j) {
                if (j == i || !(sel >> j & 1u))
                    continue;
                intersections[i * T + j] += c;
                if (((pos >> i) & 1u) != ((pos >> j) & 1u))
                    disagreements[i * T + j] += c;
            }
        }
    }
}

void StatsAccumulator::add(const StatsAccumulator& other)
{
    numel += other.numel;
    baseSquares += other.baseSquares;
    overlapCount += other.overlapCount;
    conflictCount += other.conflictCount;
    for (std::size_t i = 0; i < gram.size(); ++i) {
        gram[i] += other.gram[i];
        intersections[i] += other.intersections[i];
        disagreements[i] += other.disagreements[i];
    }
    for (std::size_t i = 0; i < maskCounts.size(); ++i)
        maskCounts[i] += other.maskCounts[i];
}

TaskVectorStats StatsAccumulator::finalize() const
{
    const int T = m_models;
    TaskVectorStats s;
    s.numel = numel;
    s.baseNorm = std::sqrt(baseSquares);
    s.overlapCount = overlapCount;
    s.conflictCount = conflictCount;
    s.maskCounts = maskCounts;
    s.conflictRate = ratio(static_cast<double>(conflictCount), static_cast<double>(overlapCount));
    s.norms.resize(T);
    s.relativeNorms.resize(T);
    for (int i = 0; i < T; ++i) {
        s.norms[i] = std::sqrt(std::max(0.0, gram[i * T + i]));
        s.relativeNorms[i] = ratio(s.norms[i], s.baseNorm);
    }
    s.cosine.assign(T, std::vector<double>(T, kNaN));
    s.conflictPairwise.assign(T, std::vector<double>(T, kNaN));
    s.jaccard.assign(T, std::vector<double>(T, kNaN));
    double cosineSum = 0.0;
    int pairs = 0;
    for (int i = 0; i < T; ++i) {
        for (int j = 0; j < T; ++j) {
            const double den = s.norms[i] * s.norms[j];
            // Clamp: rounding can push |cos| of (anti)parallel vectors a hair past 1.
            const double c = den > 0.0 ? std::clamp(gram[i * T + j] / den, -1.0, 1.0) : kNaN;
            s.cosine[i][j] = c;
            if (i == j) {
                s.conflictPairwise[i][j] = maskCounts[i] > 0 ? 0.0 : kNaN;
                s.jaccard[i][j] = maskCounts[i] > 0 ? 1.0 : kNaN;
                continue;
            }
            const double inter = static_cast<double>(intersections[i * T + j]);
            s.conflictPairwise[i][j] = ratio(static_cast<double>(disagreements[i * T + j]), inter);
            const double uni = static_cast<double>(maskCounts[i] + maskCounts[j]) - inter;
            s.jaccard[i][j] = ratio(inter, uni);
            if (j > i) {
                cosineSum += c;
                ++pairs;
            }
        }
    }
    s.meanCosine = pairs > 0 ? cosineSum / pairs : kNaN;
    s.modelStockT = pairs > 0 ? T * s.meanCosine / (1.0 + (T - 1) * s.meanCosine) : kNaN;
    return s;
}

} // namespace mergelab
