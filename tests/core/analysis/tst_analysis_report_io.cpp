// Analysis reports on disk: JSON round trip and keys, JSON reader errors, HDF5 layout read back
// by h5py (an independent reader).
#include "analysis/report_hdf5.h"
#include "analysis/report_json.h"
#include "analysis/report_summary.h"
#include "analysis/task_vector_analysis.h"
#include "common/error.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cmath>

using namespace mergelab;
using nlohmann::json;

namespace {

const std::string kDir = MERGELAB_FIXTURES_DIR "/analysis/";

AnalysisReport fixtureReport()
{
    std::vector<std::string> paths;
    for (const char* n : {"a", "b", "c", "d", "e"})
        paths.push_back(kDir + "ft_" + n + ".safetensors");
    AnalysisJob job(kDir + "base.safetensors", paths, {}, AnalysisOptions{});
    NullProgress progress;
    CancelToken cancel;
    job.run(progress, cancel);
    return job.report();
}

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool sameMatrix(const Matrix& a, const Matrix& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size())
            return false;
        for (std::size_t j = 0; j < a[i].size(); ++j)
            if (!same(a[i][j], b[i][j]))
                return false;
    }
    return true;
}

bool sameStats(const TaskVectorStats& a, const TaskVectorStats& b)
{
    auto vec = [](const std::vector<double>& x, const std::vector<double>& y) {
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same(x[i], y[i]))
                return false;
        return true;
    };
    return a.numel == b.numel && same(a.baseNorm, b.baseNorm) && vec(a.norms, b.norms) &&
           vec(a.relativeNorms, b.relativeNorms) && sameMatrix(a.cosine, b.cosine) &&
           same(a.conflictRate, b.conflictRate) && sameMatrix(a.conflictPairwise, b.conflictPairwise) &&
           sameMatrix(a.jaccard, b.jaccard) && same(a.meanCosine, b.meanCosine) && same(a.modelStockT, b.modelStockT) &&
           a.overlapCount == b.overlapCount && a.conflictCount == b.conflictCount && a.maskCounts == b.maskCounts;
}

QString tempPath(const QString& name)
{
    return QDir::temp().filePath("mergelab_tst_" + QString::number(QCoreApplication::applicationPid()) + "_" + name);
}

} // namespace

class TstAnalysisReportIo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip()
    {
        const AnalysisReport report = fixtureReport();
        const std::string path = tempPath("report.json").toStdString();
        saveAnalysisReportJson(report, path);
        const AnalysisReport back = loadAnalysisReportJson(path);
        QFile::remove(QString::fromStdString(path));
        QCOMPARE(back.models, report.models);
        QCOMPARE(back.basePath, report.basePath);
        QCOMPARE(back.modelPaths, report.modelPaths);
        QCOMPARE(back.density, report.density);
        QVERIFY(sameStats(back.global, report.global));
        QCOMPARE(back.layers.size(), report.layers.size());
        for (std::size_t i = 0; i < report.layers.size(); ++i) {
            QCOMPARE(back.layers[i].layer, report.layers[i].layer);
            QCOMPARE(back.layers[i].tensorCount, report.layers[i].tensorCount);
            QVERIFY(sameStats(back.layers[i].stats, report.layers[i].stats));
        }
        QCOMPARE(back.tensors.size(), report.tensors.size());
        for (std::size_t i = 0; i < report.tensors.size(); ++i) {
            QCOMPARE(back.tensors[i].name, report.tensors[i].name);
            QCOMPARE(back.tensors[i].layer, report.tensors[i].layer);
            QCOMPARE(back.tensors[i].shape, report.tensors[i].shape);
            QCOMPARE(back.tensors[i].dtype, report.tensors[i].dtype);
            QVERIFY(sameStats(back.tensors[i].stats, report.tensors[i].stats));
        }
        QCOMPARE(back.histograms.range, report.histograms.range);
        QCOMPARE(back.histograms.bins, report.histograms.bins);
        QCOMPARE(back.histograms.counts, report.histograms.counts);
        QCOMPARE(back.histograms.outside, report.histograms.outside);
        QCOMPARE(back.skipped.size(), report.skipped.size());
        for (std::size_t i = 0; i < report.skipped.size(); ++i) {
            QCOMPARE(back.skipped[i].name, report.skipped[i].name);
            QCOMPARE(back.skipped[i].reason, report.skipped[i].reason);
        }
    }

    void jsonKeys()
    {
        const json j = json::parse(analysisReportToJson(fixtureReport()));
        for (const char* key : {"models", "cosine", "norms", "relative_norms", "conflict_rate", "conflict_pairwise",
                                "jaccard", "model_stock", "layers", "tensors", "histograms", "skipped"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["cosine"].size(), std::size_t(5));
        QCOMPARE(j["cosine"][0].size(), std::size_t(5));
        QVERIFY(j["model_stock"].contains("mean_cosine") && j["model_stock"].contains("t"));
        for (const char* key : {"layer", "cosine", "norms", "conflict_rate"})
            QVERIFY2(j["layers"][0].contains(key), key);
        for (const char* key : {"name", "norms", "cosine"})
            QVERIFY2(j["tensors"][0].contains(key), key);
        QVERIFY(j["skipped"][0].contains("name") && j["skipped"][0].contains("reason"));
        QVERIFY(j["conflict_pairwise"][0][3].is_null()); // NaN (a and d never both kept) as null
    }

    void badJsonReports_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{oops"
                                  << "not valid JSON";
        QTest::newRow("other format") << R"({"format": "mergelab-project"})"
                                      << "not a MergeLab analysis report";
        QTest::newRow("missing key") << R"({"format": "mergelab-analysis", "version": 1, "models": ["a"]})"
                                     << "missing key 'base'";
        QTest::newRow("wrong size")
            << R"({"format": "mergelab-analysis", "version": 1, "models": ["a"], "base": "b", "model_paths": []})"
            << "model_paths: expected 1 entries";
        QTest::newRow("future version") << R"({"format": "mergelab-analysis", "version": 7})"
                                        << "unsupported version 7";
    }
    void badJsonReports()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            analysisReportFromJson(text.toStdString(), "saved.json");
            QFAIL("no error");
        } catch (const FormatError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith("saved.json: "), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY(!message.contains('\n'));
        }
    }

    void missingJsonFileIsIoError()
    {
        QVERIFY_THROWS_EXCEPTION(IoError, loadAnalysisReportJson("/nonexistent/report.json"));
    }

    void hdf5ReadByH5py()
    {
        const AnalysisReport report = fixtureReport();
        const QString path = tempPath("report.h5");
        saveAnalysisReportHdf5(report, path.toStdString());
        const char* script = R"(
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
out = {
  "format": f.attrs["format"] if isinstance(f.attrs["format"], str) else f.attrs["format"].decode(),
  "models": [m.decode() if isinstance(m, bytes) else m for m in f["models"][()]],
  "global_cosine": f["global/cosine"][()].tolist(),
  "global_conflict_rate": float(f["global"].attrs["conflict_rate"]),
  "layers": f["layers/layer"][()].tolist(),
  "layer_cosine_shape": list(f["layers/cosine"].shape),
  "layer1_norms": f["layers/norms"][()][1].tolist(),
  "tensor_names": [m.decode() if isinstance(m, bytes) else m for m in f["tensors/name"][()]],
  "hist_counts_shape": list(f["histograms/counts"].shape),
  "hist_edges": [float(f["histograms/edges"][0]), float(f["histograms/edges"][-1])],
  "skipped": len(f["skipped/name"]),
}
print(json.dumps(out))
)";
        QProcess python;
        python.start("/usr/bin/python3", {"-c", script, path});
        QVERIFY(python.waitForFinished(60000));
        QFile::remove(path);
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const json j = json::parse(python.readAllStandardOutput().toStdString());
        QCOMPARE(j["format"].get<std::string>(), std::string("mergelab-analysis"));
        QCOMPARE(j["models"].get<std::vector<std::string>>(), report.models);
        QCOMPARE(j["global_cosine"][0][1].get<double>(), report.global.cosine[0][1]);
        QCOMPARE(j["global_conflict_rate"].get<double>(), report.global.conflictRate);
        QCOMPARE(j["layers"].size(), report.layers.size());
        QCOMPARE(j["layers"][1].get<int>(), report.layers[1].layer);
        QCOMPARE(j["layer_cosine_shape"].get<std::vector<int>>(),
                 (std::vector<int>{static_cast<int>(report.layers.size()), 5, 5}));
        QCOMPARE(j["layer1_norms"][2].get<double>(), report.layers[1].stats.norms[2]);
        QCOMPARE(j["tensor_names"].size(), report.tensors.size());
        QCOMPARE(j["tensor_names"][0].get<std::string>(), report.tensors[0].name);
        QCOMPARE(j["hist_counts_shape"].get<std::vector<int>>(), (std::vector<int>{5, report.histograms.bins}));
        QCOMPARE(j["hist_edges"][1].get<double>(), report.histograms.range);
        QCOMPARE(j["skipped"].get<std::size_t>(), report.skipped.size());
    }

    void hdf5UnwritablePathIsIoError()
    {
        const AnalysisReport report = fixtureReport();
        try {
            saveAnalysisReportHdf5(report, "/nonexistent/dir/report.h5");
            QFAIL("no error");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).startsWith("/nonexistent/dir/report.h5: "), e.what());
        }
    }

    void summaryMentionsEverything()
    {
        const std::string text = formatAnalysisSummary(fixtureReport());
        for (const char* part : {"Cosine similarity", "Sign conflict rate", "Jaccard", "Model Stock", "Per layer",
                                 "Skipped tensors", "lm_head.weight: missing in ft_c"})
            QVERIFY2(text.find(part) != std::string::npos, part);
    }
};

QTEST_GUILESS_MAIN(TstAnalysisReportIo)
#include "tst_analysis_report_io.moc"
