// The analysis on committed safetensors fixtures against statistics computed independently by
// python3-torch (tests/fixtures/analysis/make_analysis_fixtures.py writes both).
#include "analysis/task_vector_analysis.h"
#include "common/error.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cmath>
#include <fstream>

using namespace mergelab;
using nlohmann::json;

namespace {

const std::string kDir = MERGELAB_FIXTURES_DIR "/analysis/";
const std::vector<std::string> kNames{"a", "b", "c", "d", "e"};

json reference()
{
    std::ifstream in(kDir + "reference.json");
    return json::parse(in);
}

std::vector<std::string> modelPaths()
{
    std::vector<std::string> paths;
    for (const std::string& n : kNames)
        paths.push_back(kDir + "ft_" + n + ".safetensors");
    return paths;
}

AnalysisReport analyse(double density, int64_t exactMax, int threads = 2)
{
    AnalysisOptions options;
    options.density = density;
    options.exactSelectionMaxNumel = exactMax;
    options.threads = threads;
    AnalysisJob job(kDir + "base.safetensors", modelPaths(), kNames, options);
    NullProgress progress;
    CancelToken cancel;
    job.run(progress, cancel);
    return job.report();
}

bool close(double actual, const json& expected)
{
    if (expected.is_null())
        return std::isnan(actual);
    const double e = expected.get<double>();
    return std::fabs(actual - e) <= 1e-9 * std::max(1.0, std::fabs(e));
}

// Compares every statistic; reports the first difference with its location.
void compareStats(const TaskVectorStats& s, const json& ref, const std::string& where)
{
    const std::size_t T = kNames.size();
    auto fail = [&](const std::string& what, double actual, const json& expected) {
        QFAIL(qPrintable(QString::fromStdString(where + " " + what + ": got " + std::to_string(actual) + ", expected " +
                                                expected.dump())));
    };
    if (s.numel != ref["numel"].get<int64_t>())
        fail("numel", static_cast<double>(s.numel), ref["numel"]);
    if (!close(s.baseNorm, ref["base_norm"]))
        return fail("base_norm", s.baseNorm, ref["base_norm"]);
    if (!close(s.conflictRate, ref["conflict_rate"]))
        return fail("conflict_rate", s.conflictRate, ref["conflict_rate"]);
    if (!close(s.meanCosine, ref["mean_cosine"]))
        return fail("mean_cosine", s.meanCosine, ref["mean_cosine"]);
    if (!close(s.modelStockT, ref["model_stock_t"]))
        return fail("model_stock_t", s.modelStockT, ref["model_stock_t"]);
    if (s.overlapCount != ref["overlap"].get<uint64_t>())
        return fail("overlap", static_cast<double>(s.overlapCount), ref["overlap"]);
    if (s.conflictCount != ref["conflict"].get<uint64_t>())
        return fail("conflict", static_cast<double>(s.conflictCount), ref["conflict"]);
    for (std::size_t i = 0; i < T; ++i) {
        const std::string m = "[" + std::to_string(i) + "]";
        if (!close(s.norms[i], ref["norms"][i]))
            return fail("norms" + m, s.norms[i], ref["norms"][i]);
        if (!close(s.relativeNorms[i], ref["relative_norms"][i]))
            return fail("relative_norms" + m, s.relativeNorms[i], ref["relative_norms"][i]);
        if (s.maskCounts[i] != ref["mask_counts"][i].get<uint64_t>())
            return fail("mask_counts" + m, static_cast<double>(s.maskCounts[i]), ref["mask_counts"][i]);
        for (std::size_t j = 0; j < T; ++j) {
            const std::string mm = m + "[" + std::to_string(j) + "]";
            if (!close(s.cosine[i][j], ref["cosine"][i][j]))
                return fail("cosine" + mm, s.cosine[i][j], ref["cosine"][i][j]);
            if (!close(s.conflictPairwise[i][j], ref["conflict_pairwise"][i][j]))
                return fail("conflict_pairwise" + mm, s.conflictPairwise[i][j], ref["conflict_pairwise"][i][j]);
            if (!close(s.jaccard[i][j], ref["jaccard"][i][j]))
                return fail("jaccard" + mm, s.jaccard[i][j], ref["jaccard"][i][j]);
        }
    }
}

} // namespace

class TstAnalysisReference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statistics_data()
    {
        QTest::addColumn<double>("density");
        QTest::addColumn<qlonglong>("exactMax");
        QTest::addColumn<int>("threads");
        for (double d : {0.2, 0.5, 1.0}) {
            const QByteArray tag = QByteArray::number(d);
            QTest::newRow(tag + " nth_element") << d << qlonglong(1 << 20) << 2;
            QTest::newRow(tag + " radix") << d << qlonglong(0) << 2;
        }
        QTest::newRow("0.2 radix 1 thread") << 0.2 << qlonglong(0) << 1;
    }
    void statistics()
    {
        QFETCH(double, density);
        QFETCH(qlonglong, exactMax);
        QFETCH(int, threads);
        const json ref = reference();
        const json& r = ref["by_density"][QByteArray::number(density).toStdString()];
        const AnalysisReport report = analyse(density, exactMax, threads);
        QCOMPARE(report.models, kNames);
        QCOMPARE(report.density, density);
        compareStats(report.global, r["global"], "global");
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(report.layers.size(), r["layers"].size());
        for (const LayerReport& l : report.layers) {
            const std::string key = std::to_string(l.layer);
            QVERIFY2(r["layers"].contains(key), key.c_str());
            QCOMPARE(l.tensorCount, ref["layer_tensor_counts"][key].get<int>());
            compareStats(l.stats, r["layers"][key], "layer " + key);
            if (QTest::currentTestFailed())
                return;
        }
        std::vector<std::string> order;
        for (const TensorReport& t : report.tensors)
            order.push_back(t.name);
        QCOMPARE(order, ref["tensors_in_order"].get<std::vector<std::string>>());
        if (r.contains("tensors"))
            for (const TensorReport& t : report.tensors) {
                compareStats(t.stats, r["tensors"][t.name], t.name);
                if (QTest::currentTestFailed())
                    return;
            }
    }

    void knownRelationships()
    {
        const AnalysisReport report = analyse(0.2, 4096);
        const Matrix& cos = report.global.cosine;
        QCOMPARE(cos[0][1], -1.0);      // τb = −τa
        QCOMPARE(cos[0][2], 1.0);       // τc = τa
        QCOMPARE(cos[0][3] + 1.0, 1.0); // disjoint supports are orthogonal
        QCOMPARE(report.global.jaccard[0][3], 0.0);
        QCOMPARE(report.global.jaccard[0][2], 1.0);
        QCOMPARE(report.global.conflictPairwise[0][1], 1.0);
        QCOMPARE(report.global.conflictPairwise[0][2], 0.0);
        QVERIFY(std::isnan(report.global.conflictPairwise[0][3])); // never both kept
        for (const LayerReport& l : report.layers)
            QCOMPARE(l.stats.cosine[1][2], -1.0);
    }

    void skippedTensors()
    {
        const json ref = reference();
        const AnalysisReport report = analyse(0.2, 4096);
        QCOMPARE(report.skipped.size(), ref["skipped"].size());
        for (const SkippedTensor& s : report.skipped) {
            QVERIFY2(ref["skipped"].contains(s.name), s.name.c_str());
            const std::string expected = ref["skipped"][s.name].get<std::string>();
            QVERIFY2(s.reason.find(expected) != std::string::npos, (s.name + ": " + s.reason).c_str());
        }
    }

    void histograms()
    {
        const json ref = reference()["histogram"];
        const AnalysisReport report = analyse(0.2, 4096);
        const HistogramReport& h = report.histograms;
        QCOMPARE(h.bins, 64);
        QCOMPARE(h.range, ref["range"].get<double>());
        QCOMPARE(h.outside, ref["outside"].get<std::vector<uint64_t>>());
        for (std::size_t m = 0; m < kNames.size(); ++m) {
            const auto expected = ref["counts"][m].get<std::vector<uint64_t>>();
            uint64_t total = 0;
            int64_t cumulative = 0, worst = 0;
            for (int b = 0; b < h.bins; ++b) {
                total += h.counts[m][b];
                cumulative += static_cast<int64_t>(h.counts[m][b]) - static_cast<int64_t>(expected[b]);
                worst = std::max<int64_t>(worst, std::abs(cumulative));
            }
            QCOMPARE(total + h.outside[m], static_cast<uint64_t>(report.global.numel));
            // Rebinning the 1/128-relative-width buckets can only move values whose bucket straddles
            // a bin edge into the neighbouring bin: the cumulative counts stay within a few values.
            QVERIFY2(worst <= 1 + static_cast<int64_t>(total) / 100,
                     qPrintable(QString("model %1: cumulative difference %2 of %3").arg(m).arg(worst).arg(total)));
        }
    }

    void truncatedFileIsAFormatError()
    {
        const QString copy = QDir::temp().filePath("mergelab_tst_truncated.safetensors");
        QFile::remove(copy);
        QVERIFY(QFile::copy(QString::fromStdString(kDir + "ft_a.safetensors"), copy));
        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 100));
        f.close();
        AnalysisJob job(kDir + "base.safetensors", {copy.toStdString()}, {}, AnalysisOptions{});
        NullProgress progress;
        CancelToken cancel;
        const JobResult result = runJob(job, progress, cancel);
        QCOMPARE(result.status, Status::Failed);
        QVERIFY2(QString::fromStdString(result.message).contains(copy), result.message.c_str());
        QFile::remove(copy);
    }
};

QTEST_GUILESS_MAIN(TstAnalysisReference)
#include "tst_analysis_reference.moc"
