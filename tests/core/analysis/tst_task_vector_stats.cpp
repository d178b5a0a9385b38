// Task-vector statistics on small hand-computed cases (in-memory checkpoints, no file format).
#include "analysis/task_vector_analysis.h"
#include "analysis/value_histogram.h"
#include "common/error.h"
#include "memory_checkpoint.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace mergelab;
using mergelab::test::MemoryCheckpoint;

namespace {

// base + task vector, element by element.
std::vector<float> plus(const std::vector<float>& base, const std::vector<float>& tau)
{
    std::vector<float> out(base.size());
    for (std::size_t i = 0; i < base.size(); ++i)
        out[i] = base[i] + tau[i];
    return out;
}

struct HandCase {
    MemoryCheckpoint base{"base"};
    MemoryCheckpoint m1{"m1"}, m2{"m2"}, m3{"m3"};
    std::vector<const Checkpoint*> models{&m1, &m2, &m3};
    std::vector<std::string> names{"a", "b", "c"};

    // τa = [1, -2, 0, 3], τb = [2, 1, 0, 1], τc = [-1, 0, 5, 2] on base [1, 1, 1, 1].
    HandCase()
    {
        const std::vector<float> b{1, 1, 1, 1};
        base.addF32("layers.0.w", {2, 2}, b);
        m1.addF32("layers.0.w", {2, 2}, plus(b, {1, -2, 0, 3}));
        m2.addF32("layers.0.w", {2, 2}, plus(b, {2, 1, 0, 1}));
        m3.addF32("layers.0.w", {2, 2}, plus(b, {-1, 0, 5, 2}));
    }
    AnalysisReport run(double density, int threads = 1)
    {
        AnalysisOptions options;
        options.density = density;
        options.threads = threads;
        NullProgress progress;
        CancelToken cancel;
        return analyzeTaskVectors(base, models, names, options, progress, cancel);
    }
};

} // namespace

class TstTaskVectorStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void normsAndCosines()
    {
        HandCase c;
        const AnalysisReport r = c.run(1.0);
        QCOMPARE(r.models.size(), std::size_t(3));
        const TaskVectorStats& g = r.global;
        QCOMPARE(g.numel, int64_t(4));
        QCOMPARE(g.baseNorm, 2.0);
        QCOMPARE(g.norms[0], std::sqrt(14.0));
        QCOMPARE(g.norms[1], std::sqrt(6.0));
        QCOMPARE(g.norms[2], std::sqrt(30.0));
        QCOMPARE(g.relativeNorms[0], std::sqrt(14.0) / 2.0);
        // τa·τb = 2 - 2 + 0 + 3 = 3; τa·τc = -1 + 0 + 0 + 6 = 5; τb·τc = -2 + 0 + 0 + 2 = 0.
        QCOMPARE(g.cosine[0][1], 3.0 / std::sqrt(14.0 * 6.0));
        QCOMPARE(g.cosine[1][0], g.cosine[0][1]);
        QCOMPARE(g.cosine[0][2], 5.0 / std::sqrt(14.0 * 30.0));
        QCOMPARE(g.cosine[1][2] + 1.0, 1.0);
        QCOMPARE(g.cosine[1][1], 1.0);
        const double mean = (3.0 / std::sqrt(84.0) + 5.0 / std::sqrt(420.0) + 0.0) / 3.0;
        QCOMPARE(g.meanCosine, mean);
        QCOMPARE(g.modelStockT, 3.0 * mean / (1.0 + 2.0 * mean));
    }

    void conflictWithoutTrimming()
    {
        HandCase c;
        const TaskVectorStats g = c.run(1.0).global;
        // Coordinates: (+,+,-) conflict, (-,+,0) conflict, (0,0,+) single, (+,+,+) agree.
        QCOMPARE(g.overlapCount, uint64_t(3));
        QCOMPARE(g.conflictCount, uint64_t(2));
        QCOMPARE(g.conflictRate, 2.0 / 3.0);
        QCOMPARE(g.conflictPairwise[0][1], 1.0 / 3.0);
        QCOMPARE(g.conflictPairwise[0][2], 0.5);
        QCOMPARE(g.conflictPairwise[1][2], 0.5);
        QCOMPARE(g.conflictPairwise[2][1], 0.5);
        QCOMPARE(g.conflictPairwise[0][0], 0.0);
        // Masks {0,1,3}, {0,1,3}, {0,2,3}.
        QCOMPARE(g.jaccard[0][1], 1.0);
        QCOMPARE(g.jaccard[0][2], 0.5);
        QCOMPARE(g.jaccard[1][2], 0.5);
        QCOMPARE(g.maskCounts, (std::vector<uint64_t>{3, 3, 3}));
    }

    void conflictAfterTrimming_data()
    {
        QTest::addColumn<qlonglong>("exactMax");
        QTest::newRow("nth_element") << qlonglong(4096);
        QTest::newRow("radix") << qlonglong(0);
    }
    void conflictAfterTrimming()
    {
        QFETCH(qlonglong, exactMax);
        HandCase c;
        AnalysisOptions options;
        options.density = 0.5; // k = 2 of 4
        options.exactSelectionMaxNumel = exactMax;
        NullProgress progress;
        CancelToken cancel;
        const TaskVectorStats g = analyzeTaskVectors(c.base, c.models, c.names, options, progress, cancel).global;
        // Trimmed: τa -> [0,-2,0,3]; τb -> [2,1,0,1] (ties with the 2nd largest are kept, as TIES'
        // ">= k-th value" mask does); τc -> [0,0,5,2]. Coordinates: (0,+,0), (-,+,0), (0,0,+), (+,+,+).
        QCOMPARE(g.maskCounts, (std::vector<uint64_t>{2, 3, 2}));
        QCOMPARE(g.overlapCount, uint64_t(2));
        QCOMPARE(g.conflictCount, uint64_t(1));
        QCOMPARE(g.conflictRate, 0.5);
        QCOMPARE(g.conflictPairwise[0][1], 0.5); // both at {1, 3}, disagree at 1
        QCOMPARE(g.conflictPairwise[0][2], 0.0); // both at {3}
        QCOMPARE(g.jaccard[0][1], 2.0 / 3.0);    // {1,3} vs {0,1,3}
        QCOMPARE(g.jaccard[0][2], 1.0 / 3.0);    // {1,3} vs {2,3}
        QCOMPARE(g.jaccard[1][2], 1.0 / 4.0);    // {0,1,3} vs {2,3}
    }

    void undefinedValuesAreNaN()
    {
        MemoryCheckpoint base("base"), same("same"), other("other");
        base.addF32("w", {3}, {1, 2, 3});
        same.addF32("w", {3}, {1, 2, 3}); // τ = 0
        other.addF32("w", {3}, {1, 2, 4});
        NullProgress progress;
        CancelToken cancel;
        const AnalysisReport r =
            analyzeTaskVectors(base, {&same, &other}, {"same", "other"}, AnalysisOptions{}, progress, cancel);
        QCOMPARE(r.global.norms[0], 0.0);
        QVERIFY(std::isnan(r.global.cosine[0][1]));
        QVERIFY(std::isnan(r.global.jaccard[0][0]));
        QVERIFY(std::isnan(r.global.conflictRate)); // no coordinate has two nonzero entries
        QCOMPARE(r.global.cosine[1][1], 1.0);
    }

    void modelStockFactor()
    {
        MemoryCheckpoint base("base"), m1("m1"), m2("m2");
        base.addF32("w", {2}, {0, 0});
        m1.addF32("w", {2}, {1, 0});
        m2.addF32("w", {2}, {1, 1});
        NullProgress progress;
        CancelToken cancel;
        const AnalysisReport r = analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, AnalysisOptions{}, progress, cancel);
        const double c = 1.0 / std::sqrt(2.0);
        QCOMPARE(r.global.meanCosine, c);
        QCOMPARE(r.global.modelStockT, 2.0 * c / (1.0 + c));
    }

    void reducedPrecisionInputs()
    {
        // bf16 1.5 = 0x3FC0, f16 1.5 = 0x3E00, f16 -2 = 0xC000; base f32 [1, 0].
        MemoryCheckpoint base("base"), bf("bf"), hf("hf");
        base.addF32("w", {2}, {1, 0});
        bf.addBytes("w", DType::BF16, {2}, {0xC0, 0x3F, 0x80, 0x3F}); // [1.5, 1.0]
        hf.addBytes("w", DType::F16, {2}, {0x00, 0x3E, 0x00, 0xC0});  // [1.5, -2.0]
        NullProgress progress;
        CancelToken cancel;
        const AnalysisReport r =
            analyzeTaskVectors(base, {&bf, &hf}, {"bf", "hf"}, AnalysisOptions{}, progress, cancel);
        // τbf = [0.5, 1], τhf = [0.5, -2].
        QCOMPARE(r.global.norms[0], std::sqrt(1.25));
        QCOMPARE(r.global.norms[1], std::sqrt(4.25));
        QCOMPARE(r.global.cosine[0][1], (0.25 - 2.0) / std::sqrt(1.25 * 4.25));
    }

    void perLayerGrouping()
    {
        MemoryCheckpoint base("base"), m1("m1"), m2("m2");
        base.addF32("embed.weight", {2}, {0, 0});
        base.addF32("model.layers.0.a", {2}, {0, 0});
        base.addF32("model.layers.1.a", {2}, {0, 0});
        base.addF32("model.layers.0.b", {1}, {0});
        m1.addF32("embed.weight", {2}, {1, 0});
        m2.addF32("embed.weight", {2}, {0, 1}); // orthogonal
        m1.addF32("model.layers.0.a", {2}, {1, 2});
        m2.addF32("model.layers.0.a", {2}, {-1, -2}); // opposite
        m1.addF32("model.layers.0.b", {1}, {3});
        m2.addF32("model.layers.0.b", {1}, {-3});
        m1.addF32("model.layers.1.a", {2}, {1, 2});
        m2.addF32("model.layers.1.a", {2}, {2, 4}); // parallel
        NullProgress progress;
        CancelToken cancel;
        const AnalysisReport r = analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, AnalysisOptions{}, progress, cancel);
        QCOMPARE(r.layers.size(), std::size_t(3));
        QCOMPARE(r.layers[0].layer, -1);
        QCOMPARE(r.layers[1].layer, 0);
        QCOMPARE(r.layers[1].tensorCount, 2);
        QCOMPARE(r.layers[2].layer, 1);
        QCOMPARE(r.layers[0].stats.cosine[0][1] + 1.0, 1.0);
        QCOMPARE(r.layers[1].stats.cosine[0][1], -1.0);
        QCOMPARE(r.layers[1].stats.norms[0], std::sqrt(14.0));
        QCOMPARE(r.layers[2].stats.cosine[0][1], 1.0);
        QCOMPARE(r.tensors.size(), std::size_t(4));
        QCOMPARE(r.tensors[1].name, std::string("model.layers.0.a"));
        QCOMPARE(r.tensors[1].layer, 0);
        // Global cosine from summed dot products: (0 + (-5) + (-9) + 10) / (sqrt(1+5+9+5) sqrt(1+5+9+20)).
        QCOMPARE(r.global.cosine[0][1], -4.0 / std::sqrt(20.0 * 35.0));
    }

    void skippedTensorsHaveReasons()
    {
        MemoryCheckpoint base("base"), m1("m1"), m2("m2");
        base.addF32("ok", {2}, {0, 0});
        base.addF32("partial", {2}, {0, 0});
        base.addF32("reshaped", {2}, {0, 0});
        base.addI64("ids", {1, 2});
        for (MemoryCheckpoint* m : {&m1, &m2}) {
            m->addF32("ok", {2}, {1, 1});
            m->addI64("ids", {1, 2});
        }
        m1.addF32("partial", {2}, {1, 1});
        m1.addF32("reshaped", {2}, {1, 1});
        m2.addF32("reshaped", {1, 2}, {1, 1});
        m2.addF32("extra", {1}, {1});
        NullProgress progress;
        CancelToken cancel;
        const AnalysisReport r = analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, AnalysisOptions{}, progress, cancel);
        QCOMPARE(r.tensors.size(), std::size_t(1));
        std::map<std::string, std::string> reasons;
        for (const SkippedTensor& s : r.skipped)
            reasons[s.name] = s.reason;
        QCOMPARE(reasons.size(), std::size_t(4));
        QCOMPARE(reasons["partial"], std::string("missing in y"));
        QCOMPARE(reasons["reshaped"], std::string("shape [1, 2] in y differs from base [2]"));
        QCOMPARE(reasons["ids"], std::string("not a floating-point tensor (I64 in base)"));
        QCOMPARE(reasons["extra"], std::string("not in base (only in y)"));
    }

    void eachTensorReadOnce()
    {
        MemoryCheckpoint base("base"), m1("m1"), m2("m2");
        std::mt19937 rng(1);
        std::normal_distribution<float> normal;
        for (int t = 0; t < 12; ++t) {
            const std::string name = "layers." + std::to_string(t) + ".w";
            const int64_t n = 100 + 900 * t; // some above the exact-selection size
            for (MemoryCheckpoint* c : {&base, &m1, &m2}) {
                std::vector<float> v(static_cast<std::size_t>(n));
                for (float& x : v)
                    x = normal(rng);
                c->addF32(name, {n}, v);
            }
        }
        NullProgress progress;
        CancelToken cancel;
        AnalysisOptions options;
        options.threads = 2;
        analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, options, progress, cancel);
        for (const TensorInfo& info : base.tensors())
            for (MemoryCheckpoint* c : {&base, &m1, &m2})
                QCOMPARE(c->readCount(info.name), 1);
    }

    void threadsGiveIdenticalResults()
    {
        MemoryCheckpoint base("base"), m1("m1"), m2("m2");
        std::mt19937 rng(2);
        std::normal_distribution<float> normal;
        for (int t = 0; t < 20; ++t)
            for (MemoryCheckpoint* c : {&base, &m1, &m2}) {
                std::vector<float> v(300);
                for (float& x : v)
                    x = normal(rng);
                c->addF32("layers." + std::to_string(t % 3) + ".w" + std::to_string(t), {300}, v);
            }
        NullProgress progress;
        CancelToken cancel;
        AnalysisOptions one, two;
        one.threads = 1;
        two.threads = 2;
        const AnalysisReport a = analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, one, progress, cancel);
        const AnalysisReport b = analyzeTaskVectors(base, {&m1, &m2}, {"x", "y"}, two, progress, cancel);
        QCOMPARE(a.global.cosine, b.global.cosine); // bitwise: sums are folded in tensor order
        QCOMPARE(a.global.norms, b.global.norms);
        QCOMPARE(a.histograms.counts, b.histograms.counts);
    }

    void histogramCountsEveryValue()
    {
        HandCase c;
        AnalysisOptions options;
        options.bins = 8;
        options.histogramQuantile = 1.0;
        NullProgress progress;
        CancelToken cancel;
        const HistogramReport h = analyzeTaskVectors(c.base, c.models, c.names, options, progress, cancel).histograms;
        // Largest |τ| is 5: the range is its bucket's upper edge.
        QCOMPARE(h.range, 5.0 + 4.0 / 128.0); // upper edge of 5's bucket: 7 mantissa bits of 2^2
        QCOMPARE(h.bins, 8);
        // τa = [1, -2, 0, 3]: bins of width 2 * 5.03125 / 8: 1 -> 4, -2 -> 2, 0 -> 4, 3 -> 6.
        QCOMPARE(h.counts[0], (std::vector<uint64_t>{0, 0, 1, 0, 2, 0, 1, 0}));
        QCOMPARE(h.outside, (std::vector<uint64_t>{0, 0, 0}));
    }

    void badOptionsAreInputErrors_data()
    {
        QTest::addColumn<double>("density");
        QTest::addColumn<int>("bins");
        QTest::newRow("density 0") << 0.0 << 64;
        QTest::newRow("density > 1") << 1.5 << 64;
        QTest::newRow("no bins") << 0.2 << 0;
    }
    void badOptionsAreInputErrors()
    {
        QFETCH(double, density);
        QFETCH(int, bins);
        HandCase c;
        AnalysisOptions options;
        options.density = density;
        options.bins = bins;
        NullProgress progress;
        CancelToken cancel;
        QVERIFY_THROWS_EXCEPTION(InputError, analyzeTaskVectors(c.base, c.models, c.names, options, progress, cancel));
    }

    void cancelStopsTheJob()
    {
        MemoryCheckpoint base("base"), m1("m1");
        for (int t = 0; t < 50; ++t) {
            base.addF32("w" + std::to_string(t), {1000}, std::vector<float>(1000, 0.f));
            m1.addF32("w" + std::to_string(t), {1000}, std::vector<float>(1000, 1.f));
        }
        CancelToken cancel;
        int updates = 0;
        CallbackProgress progress([&](double done, double, const std::string&) {
            ++updates;
            if (done >= 3)
                cancel.cancel();
        });
        AnalysisOptions options;
        options.threads = 2;
        const JobResult result = runGuarded([&] { analyzeTaskVectors(base, {&m1}, {"x"}, options, progress, cancel); });
        QCOMPARE(result.status, Status::Cancelled);
        int read = 0;
        for (const TensorInfo& info : base.tensors())
            read += m1.readCount(info.name);
        QVERIFY2(read < 10, qPrintable(QString::number(read)));
    }

    void jobReportsMissingFiles()
    {
        AnalysisJob job("/nonexistent/base.safetensors", {"/nonexistent/a.safetensors"}, {}, AnalysisOptions{});
        NullProgress progress;
        CancelToken cancel;
        const JobResult result = runJob(job, progress, cancel);
        QCOMPARE(result.status, Status::Failed);
        QVERIFY2(QString::fromStdString(result.message).contains("/nonexistent/base.safetensors"),
                 result.message.c_str());
    }

    void defaultNames()
    {
        QCOMPARE(
            defaultModelNames({"/x/ft_a.safetensors", "/y/ft_a.safetensors", "/z/run1/model.safetensors", "/w/dir/"}),
            (std::vector<std::string>{"ft_a", "ft_a_2", "run1", "dir"}));
    }
};

QTEST_GUILESS_MAIN(TstTaskVectorStats)
#include "tst_task_vector_stats.moc"
