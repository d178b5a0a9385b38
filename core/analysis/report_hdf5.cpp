#include "analysis/report_hdf5.h"

#include "common/error.h"
#include "io/atomic_output.h"
#include "io/hdf5_lock.h"

#include <H5Cpp.h>

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace mergelab {

namespace {

// Caller holds the HDF5 lock for everything below.

template <typename T>
const H5::PredType& typeOf();
template <>
const H5::PredType& typeOf<double>()
{
    return H5::PredType::IEEE_F64LE;
}
template <>
const H5::PredType& typeOf<int64_t>()
{
    return H5::PredType::STD_I64LE;
}
template <>
const H5::PredType& typeOf<uint64_t>()
{
    return H5::PredType::STD_U64LE;
}
template <>
const H5::PredType& typeOf<int32_t>()
{
    return H5::PredType::STD_I32LE;
}

template <typename T>
const H5::PredType& nativeOf();
template <>
const H5::PredType& nativeOf<double>()
{
    return H5::PredType::NATIVE_DOUBLE;
}
template <>
const H5::PredType& nativeOf<int64_t>()
{
    return H5::PredType::NATIVE_INT64;
}
template <>
const H5::PredType& nativeOf<uint64_t>()
{
    return H5::PredType::NATIVE_UINT64;
}
template <>
const H5::PredType& nativeOf<int32_t>()
{
    return H5::PredType::NATIVE_INT32;
}

template <typename T>
void writeArray(H5::Group& group, const std::string& name, const std::vector<hsize_t>& dims, const std::vector<T>& data)
{
    H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    H5::DataSet set = group.createDataSet(name, typeOf<T>(), space);
    if (!data.empty())
        set.write(data.data(), nativeOf<T>());
}

template <typename T>
void writeScalarAttribute(H5::H5Object& object, const std::string& name, T value)
{
    H5::Attribute a = object.createAttribute(name, typeOf<T>(), H5::DataSpace(H5S_SCALAR));
    a.write(nativeOf<T>(), &value);
}

H5::StrType utf8String()
{
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    return type;
}

void writeStringAttribute(H5::H5Object& object, const std::string& name, const std::string& value)
{
    H5::Attribute a = object.createAttribute(name, utf8String(), H5::DataSpace(H5S_SCALAR));
    a.write(utf8String(), value);
}

void writeStrings(H5::Group& group, const std::string& name, const std::vector<std::string>& values)
{
    const hsize_t n = values.size();
    H5::DataSpace space(1, &n);
    H5::DataSet set = group.createDataSet(name, utf8String(), space);
    if (values.empty())
        return;
    std::vector<const char*> pointers;
    for (const std::string& v : values)
        pointers.push_back(v.c_str());
    set.write(pointers.data(), utf8String());
}

// Statistics of `rows` (global: one row, written without the leading dimension).
void writeStats(H5::Group& group, const std::vector<const TaskVectorStats*>& rows, std::size_t T, bool stacked)
{
    const hsize_t n = rows.size();
    const hsize_t t = T;
    auto dims = [&](std::vector<hsize_t> inner) {
        if (stacked)
            inner.insert(inner.begin(), n);
        return inner;
    };
    std::vector<int64_t> numel;
    std::vector<double> baseNorm, rate, meanCos, stockT, norms, rel, cosine, pairwise, jaccard;
    std::vector<uint64_t> overlap, conflict, mask;
    for (const TaskVectorStats* s : rows) {
        numel.push_back(s->numel);
        baseNorm.push_back(s->baseNorm);
        rate.push_back(s->conflictRate);
        meanCos.push_back(s->meanCosine);
        stockT.push_back(s->modelStockT);
        overlap.push_back(s->overlapCount);
        conflict.push_back(s->conflictCount);
        norms.insert(norms.end(), s->norms.begin(), s->norms.end());
        rel.insert(rel.end(), s->relativeNorms.begin(), s->relativeNorms.end());
        mask.insert(mask.end(), s->maskCounts.begin(), s->maskCounts.end());
        for (std::size_t i = 0; i < T; ++i) {
            cosine.insert(cosine.end(), s->cosine[i].begin(), s->cosine[i].end());
            pairwise.insert(pairwise.end(), s->conflictPairwise[i].begin(), s->conflictPairwise[i].end());
            jaccard.insert(jaccard.end(), s->jaccard[i].begin(), s->jaccard[i].end());
        }
    }
    if (stacked) {
        writeArray(group, "numel", {n}, numel);
        writeArray(group, "base_norm", {n}, baseNorm);
        writeArray(group, "conflict_rate", {n}, rate);
        writeArray(group, "mean_cosine", {n}, meanCos);
        writeArray(group, "model_stock_t", {n}, stockT);
        writeArray(group, "overlap_count", {n}, overlap);
        writeArray(group, "conflict_count", {n}, conflict);
    } else {
        writeScalarAttribute(group, "numel", numel.at(0));
        writeScalarAttribute(group, "base_norm", baseNorm.at(0));
        writeScalarAttribute(group, "conflict_rate", rate.at(0));
        writeScalarAttribute(group, "mean_cosine", meanCos.at(0));
        writeScalarAttribute(group, "model_stock_t", stockT.at(0));
        writeScalarAttribute(group, "overlap_count", overlap.at(0));
        writeScalarAttribute(group, "conflict_count", conflict.at(0));
    }
    writeArray(group, "norms", dims({t}), norms);
    writeArray(group, "relative_norms", dims({t}), rel);
    writeArray(group, "mask_counts", dims({t}), mask);
    writeArray(group, "cosine", dims({t, t}), cosine);
    writeArray(group, "conflict_pairwise", dims({t, t}), pairwise);
    writeArray(group, "jaccard", dims({t, t}), jaccard);
}

void writeReport(H5::H5File& file, const AnalysisReport& report)
{
    const std::size_t T = report.models.size();
    H5::Group root = file.openGroup("/");
    writeStringAttribute(root, "format", "mergelab-analysis");
    writeScalarAttribute(root, "version", int32_t(1));
    writeStringAttribute(root, "base", report.basePath);
    writeScalarAttribute(root, "density", report.density);
    writeStrings(root, "models", report.models);
    writeStrings(root, "model_paths", report.modelPaths);

    H5::Group global = file.createGroup("global");
    writeStats(global, {&report.global}, T, false);

    H5::Group layers = file.createGroup("layers");
    std::vector<int32_t> layerIndex, tensorCount;
    std::vector<const TaskVectorStats*> layerStats;
    for (const LayerReport& l : report.layers) {
        layerIndex.push_back(l.layer);
        tensorCount.push_back(l.tensorCount);
        layerStats.push_back(&l.stats);
    }
    writeArray(layers, "layer", {layerIndex.size()}, layerIndex);
    writeArray(layers, "tensor_count", {tensorCount.size()}, tensorCount);
    writeStats(layers, layerStats, T, true);

    H5::Group tensors = file.createGroup("tensors");
    std::vector<std::string> names, dtypes;
    std::vector<int32_t> tensorLayer;
    std::vector<const TaskVectorStats*> tensorStats;
    for (const TensorReport& t : report.tensors) {
        names.push_back(t.name);
        dtypes.push_back(t.dtype);
        tensorLayer.push_back(t.layer);
        tensorStats.push_back(&t.stats);
    }
    writeStrings(tensors, "name", names);
    writeStrings(tensors, "dtype", dtypes);
    writeArray(tensors, "layer", {tensorLayer.size()}, tensorLayer);
    writeStats(tensors, tensorStats, T, true);

    const HistogramReport& h = report.histograms;
    H5::Group hist = file.createGroup("histograms");
    writeScalarAttribute(hist, "range", h.range);
    std::vector<double> edges;
    for (int b = 0; b <= h.bins; ++b)
        edges.push_back(-h.range + 2.0 * h.range * b / std::max(1, h.bins));
    writeArray(hist, "edges", {edges.size()}, edges);
    std::vector<uint64_t> counts;
    for (const auto& row : h.counts)
        counts.insert(counts.end(), row.begin(), row.end());
    writeArray(hist, "counts", {h.counts.size(), static_cast<hsize_t>(h.bins)}, counts);
    writeArray(hist, "outside", {h.outside.size()}, h.outside);

    H5::Group skipped = file.createGroup("skipped");
    std::vector<std::string> skippedNames, reasons;
    for (const SkippedTensor& s : report.skipped) {
        skippedNames.push_back(s.name);
        reasons.push_back(s.reason);
    }
    writeStrings(skipped, "name", skippedNames);
    writeStrings(skipped, "reason", reasons);
}

} // namespace

void saveAnalysisReportHdf5(const AnalysisReport& report, const std::string& path)
{
    AtomicOutput out(path, AtomicOutput::Kind::File);
    {
        std::lock_guard<std::recursive_mutex> lock(hdf5Mutex());
        try {
            H5::Exception::dontPrint();
            H5::H5File file(out.path(), H5F_ACC_TRUNC);
            writeReport(file, report);
            file.close();
        } catch (const H5::Exception& e) {
            throw IoError(path, {}, "cannot write HDF5 report: " + hdf5ErrorText(e));
        }
    }
    out.commit();
}

} // namespace mergelab
