#include "analysis/report_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace mergelab {

namespace {

std::string num(double v, const char* format = "%.4f")
{
    if (std::isnan(v))
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string pad(const std::string& s, std::size_t width, bool left = false)
{
    if (s.size() >= width)
        return s;
    return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

void matrix(std::ostringstream& out, const std::string& title, const Matrix& m, const std::vector<std::string>& names,
            std::size_t nameWidth)
{
    out << title << "\n" << pad("", nameWidth);
    for (const std::string& n : names)
        out << " " << pad(n.substr(0, 9), 9);
    out << "\n";
    for (std::size_t i = 0; i < m.size(); ++i) {
        out << pad(names[i], nameWidth, true);
        for (double v : m[i])
            out << " " << pad(num(v), 9);
        out << "\n";
    }
    out << "\n";
}

} // namespace

std::string formatAnalysisSummary(const AnalysisReport& report, int maxLayers, int maxSkipped)
{
    std::ostringstream out;
    const TaskVectorStats& g = report.global;
    std::size_t nameWidth = 8;
    for (const std::string& n : report.models)
        nameWidth = std::max(nameWidth, n.size() + 1);
    out << "Task vectors of " << report.models.size() << " models against base " << report.basePath << "\n"
        << report.tensors.size() << " tensors analysed (" << g.numel << " parameters), " << report.skipped.size()
        << " skipped; trim density " << report.density << "\n\n";

    out << pad("model", nameWidth, true) << " " << pad("norm", 12) << " " << pad("rel. change", 12) << " "
        << pad("kept (trim)", 12) << "\n";
    for (std::size_t i = 0; i < report.models.size(); ++i)
        out << pad(report.models[i], nameWidth, true) << " " << pad(num(g.norms[i], "%.6g"), 12) << " "
            << pad(num(g.relativeNorms[i], "%.6g"), 12) << " " << pad(std::to_string(g.maskCounts[i]), 12) << "\n";
    out << "base norm " << num(g.baseNorm, "%.6g") << "\n\n";

    matrix(out, "Cosine similarity of task vectors", g.cosine, report.models, nameWidth);
    out << "Sign conflict rate (TIES, trimmed): " << num(g.conflictRate) << "  (" << g.conflictCount << " of "
        << g.overlapCount << " coordinates with >= 2 kept entries)\n\n";
    matrix(out, "Pairwise sign conflict rate", g.conflictPairwise, report.models, nameWidth);
    matrix(out, "Jaccard overlap of trimmed masks", g.jaccard, report.models, nameWidth);
    out << "Model Stock: mean pairwise cosine " << num(g.meanCosine) << ", t = " << num(g.modelStockT) << "\n\n";

    if (!report.layers.empty()) {
        out << "Per layer" << pad("", 1) << "\n"
            << pad("layer", 6) << " " << pad("tensors", 8) << " " << pad("mean cos", 9) << " " << pad("conflict", 9);
        for (const std::string& n : report.models)
            out << " " << pad(("|" + n).substr(0, 10) + "|", 12);
        out << "\n";
        int shown = 0;
        for (const LayerReport& l : report.layers) {
            if (shown++ == maxLayers) {
                out << "... " << report.layers.size() - maxLayers << " more layers\n";
                break;
            }
            out << pad(l.layer < 0 ? "other" : std::to_string(l.layer), 6) << " "
                << pad(std::to_string(l.tensorCount), 8) << " " << pad(num(l.stats.meanCosine), 9) << " "
                << pad(num(l.stats.conflictRate), 9);
            for (double n : l.stats.norms)
                out << " " << pad(num(n, "%.5g"), 12);
            out << "\n";
        }
        out << "\n";
    }
    if (!report.skipped.empty()) {
        out << "Skipped tensors\n";
        int shown = 0;
        for (const SkippedTensor& s : report.skipped) {
            if (shown++ == maxSkipped) {
                out << "  ... " << report.skipped.size() - maxSkipped << " more\n";
                break;
            }
            out << "  " << s.name << ": " << s.reason << "\n";
        }
    }
    return out.str();
}

} // namespace mergelab
