#include "analysis/report_json.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/json_file.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace mergelab {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "mergelab-analysis";
constexpr int kVersion = 1;

json number(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}

json vectorJson(const std::vector<double>& v)
{
    json a = json::array();
    for (double x : v)
        a.push_back(number(x));
    return a;
}

json matrixJson(const Matrix& m)
{
    json a = json::array();
    for (const auto& row : m)
        a.push_back(vectorJson(row));
    return a;
}

void putStats(json& j, const TaskVectorStats& s)
{
    j["numel"] = s.numel;
    j["base_norm"] = number(s.baseNorm);
    j["norms"] = vectorJson(s.norms);
    j["relative_norms"] = vectorJson(s.relativeNorms);
    j["cosine"] = matrixJson(s.cosine);
    j["conflict_rate"] = number(s.conflictRate);
    j["conflict_pairwise"] = matrixJson(s.conflictPairwise);
    j["jaccard"] = matrixJson(s.jaccard);
    j["model_stock"] = {{"mean_cosine", number(s.meanCosine)}, {"t", number(s.modelStockT)}};
    j["counts"] = {{"overlap", s.overlapCount}, {"conflict", s.conflictCount}, {"mask", s.maskCounts}};
}

// Reading: every accessor names the key path it failed on.
class Reader {
public:
    explicit Reader(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const
    {
        throw FormatError(m_path, {}, "analysis report: " + where + ": " + what);
    }
    const json& at(const json& j, const char* key, const std::string& where) const
    {
        if (!j.is_object())
            fail(where, "expected an object");
        auto it = j.find(key);
        if (it == j.end())
            fail(where, std::string("missing key '") + key + "'");
        return *it;
    }
    double real(const json& j, const std::string& where) const
    {
        if (j.is_null())
            return std::numeric_limits<double>::quiet_NaN();
        if (!j.is_number())
            fail(where, "expected a number");
        return j.get<double>();
    }
    template <typename Int>
    Int integer(const json& j, const std::string& where) const
    {
        if (!j.is_number_integer())
            fail(where, "expected an integer");
        return j.get<Int>();
    }
    std::string text(const json& j, const std::string& where) const
    {
        if (!j.is_string())
            fail(where, "expected a string");
        return j.get<std::string>();
    }
    const json& array(const json& j, const std::string& where, std::size_t size = SIZE_MAX) const
    {
        if (!j.is_array())
            fail(where, "expected an array");
        if (size != SIZE_MAX && j.size() != size)
            fail(where, "expected " + std::to_string(size) + " entries, got " + std::to_string(j.size()));
        return j;
    }
    std::vector<double> reals(const json& j, const std::string& where, std::size_t size) const
    {
        std::vector<double> out;
        for (const json& x : array(j, where, size))
            out.push_back(real(x, where));
        return out;
    }
    Matrix matrix(const json& j, const std::string& where, std::size_t size) const
    {
        Matrix out;
        for (const json& row : array(j, where, size))
            out.push_back(reals(row, where, size));
        return out;
    }
    TaskVectorStats stats(const json& j, const std::string& where, std::size_t T) const
    {
        TaskVectorStats s;
        s.numel = integer<int64_t>(at(j, "numel", where), where + ".numel");
        s.baseNorm = real(at(j, "base_norm", where), where + ".base_norm");
        s.norms = reals(at(j, "norms", where), where + ".norms", T);
        s.relativeNorms = reals(at(j, "relative_norms", where), where + ".relative_norms", T);
        s.cosine = matrix(at(j, "cosine", where), where + ".cosine", T);
        s.conflictRate = real(at(j, "conflict_rate", where), where + ".conflict_rate");
        s.conflictPairwise = matrix(at(j, "conflict_pairwise", where), where + ".conflict_pairwise", T);
        s.jaccard = matrix(at(j, "jaccard", where), where + ".jaccard", T);
        const json& stock = at(j, "model_stock", where);
        s.meanCosine = real(at(stock, "mean_cosine", where + ".model_stock"), where + ".model_stock.mean_cosine");
        s.modelStockT = real(at(stock, "t", where + ".model_stock"), where + ".model_stock.t");
        const json& counts = at(j, "counts", where);
        s.overlapCount = integer<uint64_t>(at(counts, "overlap", where + ".counts"), where + ".counts.overlap");
        s.conflictCount = integer<uint64_t>(at(counts, "conflict", where + ".counts"), where + ".counts.conflict");
        for (const json& c : array(at(counts, "mask", where + ".counts"), where + ".counts.mask", T))
            s.maskCounts.push_back(integer<uint64_t>(c, where + ".counts.mask"));
        return s;
    }

private:
    std::string m_path;
};

} // namespace

std::string analysisReportToJson(const AnalysisReport& report, int indent)
{
    json j;
    j["format"] = kFormat;
    j["version"] = kVersion;
    j["models"] = report.models;
    j["base"] = report.basePath;
    j["model_paths"] = report.modelPaths;
    j["density"] = report.density;
    putStats(j, report.global);
    json layers = json::array();
    for (const LayerReport& l : report.layers) {
        json o{{"layer", l.layer}, {"tensor_count", l.tensorCount}};
        putStats(o, l.stats);
        layers.push_back(std::move(o));
    }
    j["layers"] = std::move(layers);
    json tensors = json::array();
    for (const TensorReport& t : report.tensors) {
        json o{{"name", t.name}, {"layer", t.layer}, {"shape", t.shape}, {"dtype", t.dtype}};
        putStats(o, t.stats);
        tensors.push_back(std::move(o));
    }
    j["tensors"] = std::move(tensors);
    const HistogramReport& h = report.histograms;
    j["histograms"] = {{"range", number(h.range)}, {"bins", h.bins}, {"counts", h.counts}, {"outside", h.outside}};
    json skipped = json::array();
    for (const SkippedTensor& s : report.skipped)
        skipped.push_back({{"name", s.name}, {"reason", s.reason}});
    j["skipped"] = std::move(skipped);
    // Invalid UTF-8 in tensor names must not abort the dump: replace it.
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

AnalysisReport analysisReportFromJson(const std::string& text, const std::string& path)
{
    json j = parseJson(text, path, "analysis report");
    const Reader r(path);
    if (!j.is_object() || j.value("format", std::string()) != kFormat)
        r.fail("format", std::string("not a MergeLab analysis report (expected \"format\": \"") + kFormat + "\")");
    const int version = r.integer<int>(r.at(j, "version", "top level"), "version");
    if (version != kVersion)
        r.fail("version", "unsupported version " + std::to_string(version));
    AnalysisReport report;
    for (const json& m : r.array(r.at(j, "models", "top level"), "models"))
        report.models.push_back(r.text(m, "models"));
    const std::size_t T = report.models.size();
    report.basePath = r.text(r.at(j, "base", "top level"), "base");
    for (const json& m : r.array(r.at(j, "model_paths", "top level"), "model_paths", T))
        report.modelPaths.push_back(r.text(m, "model_paths"));
    report.density = r.real(r.at(j, "density", "top level"), "density");
    report.global = r.stats(j, "top level", T);
    const json& layers = r.array(r.at(j, "layers", "top level"), "layers");
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string where = "layers[" + std::to_string(i) + "]";
        LayerReport l;
        l.layer = r.integer<int>(r.at(layers[i], "layer", where), where + ".layer");
        l.tensorCount = r.integer<int>(r.at(layers[i], "tensor_count", where), where + ".tensor_count");
        l.stats = r.stats(layers[i], where, T);
        report.layers.push_back(std::move(l));
    }
    const json& tensors = r.array(r.at(j, "tensors", "top level"), "tensors");
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const std::string where = "tensors[" + std::to_string(i) + "]";
        TensorReport t;
        t.name = r.text(r.at(tensors[i], "name", where), where + ".name");
        t.layer = r.integer<int>(r.at(tensors[i], "layer", where), where + ".layer");
        for (const json& d : r.array(r.at(tensors[i], "shape", where), where + ".shape"))
            t.shape.push_back(r.integer<int64_t>(d, where + ".shape"));
        t.dtype = r.text(r.at(tensors[i], "dtype", where), where + ".dtype");
        t.stats = r.stats(tensors[i], where, T);
        report.tensors.push_back(std::move(t));
    }
    const json& h = r.at(j, "histograms", "top level");
    report.histograms.range = r.real(r.at(h, "range", "histograms"), "histograms.range");
    report.histograms.bins = r.integer<int>(r.at(h, "bins", "histograms"), "histograms.bins");
    if (report.histograms.bins < 0)
        r.fail("histograms.bins", "negative");
    for (const json& row : r.array(r.at(h, "counts", "histograms"), "histograms.counts", T)) {
        std::vector<uint64_t> counts;
        for (const json& c : r.array(row, "histograms.counts", static_cast<std::size_t>(report.histograms.bins)))
            counts.push_back(r.integer<uint64_t>(c, "histograms.counts"));
        report.histograms.counts.push_back(std::move(counts));
    }
    for (const json& c : r.array(r.at(h, "outside", "histograms"), "histograms.outside", T))
        report.histograms.outside.push_back(r.integer<uint64_t>(c, "histograms.outside"));
    const json& skipped = r.array(r.at(j, "skipped", "top level"), "skipped");
    for (std::size_t i = 0; i < skipped.size(); ++i) {
        const std::string where = "skipped[" + std::to_string(i) + "]";
        report.skipped.push_back({r.text(r.at(skipped[i], "name", where), where + ".name"),
                                  r.text(r.at(skipped[i], "reason", where), where + ".reason")});
    }
    return report;
}

void saveAnalysisReportJson(const AnalysisReport& report, const std::string& path)
{
    const std::string text = analysisReportToJson(report);
    writeFileAtomically(path, text + '\n');
}

AnalysisReport loadAnalysisReportJson(const std::string& path)
{
    return analysisReportFromJson(readTextFile(path, "analysis report"), path);
}

} // namespace mergelab
