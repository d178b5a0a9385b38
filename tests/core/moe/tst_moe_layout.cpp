// Recognising MoE checkpoints: the fixtures are written by tests/fixtures/moe/make_moe_fixtures.py.
#include "common/error.h"
#include "io/checkpoint.h"
#include "moe/moe_layout.h"

#include <QtTest/QtTest>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}
} // namespace

class TestMoeLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void families_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("family");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("firstLayer");
        QTest::addColumn<QString>("countKey");
        QTest::addColumn<QStringList>("roles");
        QTest::addColumn<int>("shared");
        QTest::newRow("mixtral") << "mixtral"
                                 << "mixtral" << 2 << 0 << "num_local_experts"
                                 << QStringList{"w1.weight", "w2.weight", "w3.weight"} << 0;
        QTest::newRow("qwen2_moe") << "qwen2_moe"
                                   << "qwen2_moe" << 1 << 0 << "num_experts"
                                   << QStringList{"down_proj.weight", "gate_proj.weight", "up_proj.weight"} << 4;
        QTest::newRow("deepseek_moe") << "deepseek_moe"
                                      << "deepseek_moe" << 1 << 1 << "n_routed_experts"
                                      << QStringList{"down_proj.weight", "gate_proj.weight", "up_proj.weight"} << 3;
        QTest::newRow("moe_vit") << "moe_vit"
                                 << "moe_vit" << 1 << 0 << "num_local_experts"
                                 << QStringList{"fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"} << 0;
    }
    void families()
    {
        QFETCH(QString, folder);
        QFETCH(QString, family);
        QFETCH(int, layers);
        QFETCH(int, firstLayer);
        QFETCH(QString, countKey);
        QFETCH(QStringList, roles);
        QFETCH(int, shared);
        const auto ckpt = Checkpoint::open(fixture(folder.toStdString().c_str()));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        QCOMPARE(QString(moeFamilyName(layout.family)), family);
        QCOMPARE(layout.numExperts, 4);
        QCOMPARE(layout.topK, 2);
        QCOMPARE(QString::fromStdString(layout.expertCountKey), countKey);
        QCOMPARE(int(layout.layers.size()), layers);
        const MoeLayer& l = layout.layers.front();
        QCOMPARE(l.layer, firstLayer);
        QCOMPARE(int(l.experts.size()), 4);
        QStringList got;
        for (const auto& r : l.roles)
            got << QString::fromStdString(r);
        QCOMPARE(got, roles);
        QCOMPARE(int(l.shared.size()), shared);
        QVERIFY(ckpt->contains(l.router));
        for (const MoeExpert& e : l.experts)
            for (const std::string& name : e.tensors)
                QVERIFY2(ckpt->contains(name), name.c_str());
        // Parameter counts: H = 8, I = 6 in every fixture.
        const int64_t perExpert = family == "moe_vit" ? 6 * 8 + 6 + 8 * 6 + 8 : 3 * 6 * 8;
        QCOMPARE(l.expertParameters(), perExpert);
        QCOMPARE(layout.expertParameters, perExpert * 4 * layers);
        QVERIFY(!describeMoeLayout(layout).empty());
    }

    void mixtralNames()
    {
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        const MoeLayer& l = layout.layers[1];
        QCOMPARE(l.prefix, std::string("model.layers.1.block_sparse_moe"));
        QCOMPARE(l.router, std::string("model.layers.1.block_sparse_moe.gate.weight"));
        QCOMPARE(l.experts[3].tensors[1], std::string("model.layers.1.block_sparse_moe.experts.3.w2.weight"));
        QCOMPARE(l.roleShapes[1], (std::vector<int64_t>{8, 6}));
        QCOMPARE(moeSummaryLine(layout).substr(0, 40), std::string("MoE: mixtral, 2 layers x 4 experts, top-"));
    }

    void denseIsRefused()
    {
        const auto ckpt = Checkpoint::open(fixture("dense_llama"));
        QVERIFY(!tryDetectMoeLayout(*ckpt));
        try {
            detectMoeLayout(*ckpt);
            QFAIL("a dense model was accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("not a Mixture-of-Experts checkpoint") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("dense_llama") != std::string::npos, e.what());
        }
    }

    void mismatchedShapes()
    {
        const auto ckpt = Checkpoint::open(fixture("mismatched"));
        try {
            detectMoeLayout(*ckpt);
            QFAIL("mismatched experts were accepted");
        } catch (const FormatError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("model.layers.1.block_sparse_moe.experts.2.w1.weight") != std::string::npos, e.what());
            QVERIFY2(msg.find("mismatched expert shapes: [7, 8], expert 0 has [6, 8]") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestMoeLayout)
#include "tst_moe_layout.moc"
