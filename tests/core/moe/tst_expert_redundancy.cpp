// Expert similarity and clustering: a hand-computed UPGMA tree, planted copies in the Mixtral fixture
// (tests/fixtures/moe/make_moe_fixtures.py), and streaming chunks against a direct computation.
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/expert_clustering.h"
#include "moe/expert_similarity.h"
#include "moe/moe_layout.h"

#include <ATen/ATen.h>

#include <QtTest/QtTest>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}
} // namespace

class TestExpertRedundancy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handComputedTree()
    {
        // distances d01 .1, d02 .8, d03 .9, d12 .7, d13 .8, d23 .4
        const std::vector<double> sim = {1, .9, .2, .1, .9, 1, .3, .2, .2, .3, 1, .6, .1, .2, .6, 1};
        const auto tree = averageLinkage(sim, 4);
        QCOMPARE(int(tree.size()), 3);
        const int expected[3][3] = {{0, 1, 2}, {2, 3, 2}, {4, 5, 4}};
        const double distance[3] = {0.1, 0.4, (0.8 + 0.9 + 0.7 + 0.8) / 4};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(tree[i].a, expected[i][0]);
            QCOMPARE(tree[i].b, expected[i][1]);
            QCOMPARE(tree[i].count, expected[i][2]);
            QVERIFY(std::abs(tree[i].distance - distance[i]) < 1e-12);
        }
        QCOMPARE(cutToCount(tree, 4, 2), (std::vector<int>{0, 0, 1, 1}));
        QCOMPARE(cutToCount(tree, 4, 3), (std::vector<int>{0, 0, 1, 2}));
        QCOMPARE(cutToCount(tree, 4, 4), (std::vector<int>{0, 1, 2, 3}));
        QCOMPARE(cutToCount(tree, 4, 1), (std::vector<int>{0, 0, 0, 0}));
        QCOMPARE(cutBySimilarity(tree, 4, 0.65), (std::vector<int>{0, 0, 1, 2}));
        QCOMPARE(cutBySimilarity(tree, 4, 0.5), (std::vector<int>{0, 0, 1, 1}));
        QCOMPARE(groupsFromLabels({0, 1, 0, 1}), (std::vector<std::vector<int>>{{0, 2}, {1, 3}}));
    }

    void cutOutOfRange_data()
    {
        QTest::addColumn<int>("k");
        QTest::newRow("zero") << 0;
        QTest::newRow("too many") << 5;
    }
    void cutOutOfRange()
    {
        QFETCH(int, k);
        const auto tree = averageLinkage(std::vector<double>(16, 0.5), 4);
        QVERIFY_THROWS_EXCEPTION(InputError, cutToCount(tree, 4, k));
    }

    void plantedCopiesGroupTogether_data()
    {
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("k");
        QTest::addColumn<QString>("groups");
        QTest::newRow("layer 0: 2 == 0, 3 ~ 1") << 0 << 2 << "0,2|1,3";
        QTest::newRow("layer 1: 1 ~ 0") << 1 << 3 << "0,1|2|3";
    }
    void plantedCopiesGroupTogether()
    {
        QFETCH(int, layer);
        QFETCH(int, k);
        QFETCH(QString, groups);
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        const ExpertSimilarity sim = weightSimilarity(*ckpt, *layout.findLayer(layer));
        const auto found = groupsFromLabels(cutToCount(averageLinkage(sim.weights, 4), 4, k));
        QStringList text;
        for (const auto& g : found) {
            QStringList members;
            for (int e : g)
                members << QString::number(e);
            text << members.join(',');
        }
        QCOMPARE(text.join('|'), groups);
        // The planted pair is near 1 in weights and in router rows; independent experts are not.
        const auto& first = found.front();
        QVERIFY(sim.weight(first[0], first[1]) > 0.999);
        QVERIFY(sim.routerSim(first[0], first[1]) > 0.999);
        QVERIFY(std::abs(sim.weight(0, 3 - layer)) < 0.6);
    }

    void streamingMatchesDirect()
    {
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        const MoeLayer& layer = layout.layers[1];
        // Direct: concatenate each expert's flattened tensors, cosine in float64.
        std::vector<at::Tensor> flat;
        for (const MoeExpert& e : layer.experts) {
            std::vector<at::Tensor> parts;
            for (const auto& name : e.tensors)
                parts.push_back(toTorch(ckpt->read(name)).to(at::kDouble).reshape({-1}));
            flat.push_back(at::cat(parts));
        }
        const ExpertSimilarity small = weightSimilarity(*ckpt, layer, nullptr, 5); // chunks of 5 values
        const ExpertSimilarity large = weightSimilarity(*ckpt, layer);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) {
                const double direct = (flat[i].dot(flat[j]) / (flat[i].norm() * flat[j].norm())).item<double>();
                QVERIFY(std::abs(small.weight(i, j) - direct) < 1e-12);
                QVERIFY(std::abs(large.weight(i, j) - direct) < 1e-12);
            }
    }

    void wrongLayerAndCancel()
    {
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        NullProgress progress;
        CancelToken token;
        QCOMPARE(int(analyzeExpertRedundancy(*ckpt, layout, -1, progress, token).size()), 2);
        QVERIFY_THROWS_EXCEPTION(InputError, analyzeExpertRedundancy(*ckpt, layout, 7, progress, token));
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, analyzeExpertRedundancy(*ckpt, layout, -1, progress, token));
    }
};

QTEST_GUILESS_MAIN(TestExpertRedundancy)
#include "tst_expert_redundancy.moc"
