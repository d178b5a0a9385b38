// Merging experts to prune: the merged MoE block's output equals the one computed by
// tests/fixtures/moe/make_moe_fixtures.py with python3-torch; config and names round-trip. The
// job that runs a whole spec (and its cancel test) is in tst_expert_merge_job.cpp.
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/expert_merge.h"
#include "moe/moe_layout.h"
#include "moe/sparse_moe_block.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

using namespace mergelab;

namespace {
std::string fixture(const char* name)
{
    return std::string(MERGELAB_FIXTURES_DIR) + "/moe/" + name;
}

at::Tensor tensor(const Checkpoint& c, const std::string& name)
{
    return toTorch(c.read(name)).to(at::kFloat).clone();
}

MoeBlockWeights mixtralBlock(const Checkpoint& c, const MoeLayer& layer, int topK)
{
    MoeBlockWeights b;
    b.router = tensor(c, layer.router);
    b.topK = topK;
    for (const MoeExpert& e : layer.experts) {
        std::vector<at::Tensor> w;
        for (const auto& name : e.tensors)
            w.push_back(tensor(c, name)); // roles sorted: w1, w2, w3 = gate, down, up
        b.experts.push_back(w);
    }
    return b;
}

bool close(const at::Tensor& a, const at::Tensor& b)
{
    return at::allclose(a, b, 1e-5, 1e-6);
}

ExpertMergeOptions pairOptions()
{
    ExpertMergeOptions o;
    o.targetExperts = 2;
    o.groups[0] = {{0, 2}, {1, 3}};
    o.groups[1] = {{0, 1}, {2, 3}};
    return o;
}
} // namespace

class TestExpertMerge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void originalForwardMatchesPython()
    {
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const auto expected = Checkpoint::open(fixture("expected_forward.safetensors"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        const at::Tensor x = tensor(*expected, "x");
        QVERIFY(close(moeBlockForward(mixtralBlock(*ckpt, layout.layers[0], 2), x), tensor(*expected, "orig_out")));
    }

    void mergedForwardMatchesPython()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("merged").toStdString();
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        NullProgress progress;
        CancelToken cancel;
        const ExpertMergeResult result = mergeExperts(*ckpt, layout, pairOptions(), out, progress, cancel);

        const auto merged = Checkpoint::open(result.path);
        const MoeLayout after = detectMoeLayout(*merged);
        QCOMPARE(after.numExperts, 2);
        QCOMPARE(after.topK, 2);
        QCOMPARE(int(after.layers.size()), 2);
        QCOMPARE(after.config["num_local_experts"].get<int>(), 2);
        QCOMPARE(after.config["hidden_size"].get<int>(), 8); // the rest of config.json is kept
        QVERIFY(!merged->contains("model.layers.0.block_sparse_moe.experts.2.w1.weight"));
        QCOMPARE(merged->tensors().size(), ckpt->tensors().size() - 2 * 2 * 3);

        const auto expected = Checkpoint::open(fixture("expected_forward.safetensors"));
        QVERIFY(close(tensor(*merged, after.layers[0].router), tensor(*expected, "merged_mean_gate")));
        const at::Tensor y = moeBlockForward(mixtralBlock(*merged, after.layers[0], 2), tensor(*expected, "x"));
        QVERIFY(close(y, tensor(*expected, "merged_mean_out")));
        // Unchanged tensors are bit-identical.
        QVERIFY(at::equal(tensor(*merged, "model.layers.1.self_attn.q_proj.weight"),
                          tensor(*ckpt, "model.layers.1.self_attn.q_proj.weight")));

        // Parameters: 2 layers lose 2 experts (3 x 6 x 8) and 2 router rows (8) each.
        QCOMPARE(result.parametersBefore, ckpt->parameterCount());
        QCOMPARE(result.parametersAfter, ckpt->parameterCount() - 2 * 2 * (3 * 6 * 8 + 8));
        QCOMPARE(result.parametersAfter, merged->parameterCount());
        QCOMPARE(int(result.layers.size()), 2);
        // Layer 0's groups are exact copies plus a 1% noisy copy: routing mass is nearly kept.
        QVERIFY2(result.layers[0].routerMassError < 0.05, std::to_string(result.layers[0].routerMassError).c_str());
    }

    void clusteredGroupsAndTopK()
    {
        QTemporaryDir dir;
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        ExpertMergeOptions o;
        o.targetExperts = 1;
        o.router = RouterRule::LseFit;
        NullProgress progress;
        CancelToken cancel;
        const auto result = mergeExperts(*ckpt, layout, o, dir.filePath("one").toStdString(), progress, cancel);
        QCOMPARE(result.topKAfter, 1);
        const auto merged = Checkpoint::open(result.path);
        const MoeLayout after = detectMoeLayout(*merged);
        QCOMPARE(after.topK, 1);
        QCOMPARE(after.numExperts, 1);
        // One group: the expert is the plain mean of all four.
        at::Tensor mean = at::zeros({6, 8});
        for (int e = 0; e < 4; ++e)
            mean += tensor(*ckpt, "model.layers.1.block_sparse_moe.experts." + std::to_string(e) + ".w3.weight") / 4;
        QVERIFY(close(tensor(*merged, "model.layers.1.block_sparse_moe.experts.0.w3.weight"), mean));
    }

    void badRequests_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("usage");
        QTest::addColumn<QString>("message");
        QTest::newRow("K = 0") << 0 << false << "--merge-to 0 is out of range";
        QTest::newRow("K = 5") << 5 << false << "--merge-to 5 is out of range (the model has 4 experts";
        QTest::newRow("usage without data") << 2 << true << "needs the routing usage";
    }
    void badRequests()
    {
        QFETCH(int, k);
        QFETCH(bool, usage);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const auto ckpt = Checkpoint::open(fixture("mixtral"));
        const MoeLayout layout = detectMoeLayout(*ckpt);
        ExpertMergeOptions o;
        o.targetExperts = k;
        o.usageWeighted = usage;
        NullProgress progress;
        CancelToken cancel;
        const std::string out = dir.filePath("bad").toStdString();
        try {
            mergeExperts(*ckpt, layout, o, out, progress, cancel);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos, e.what());
        }
        QVERIFY(!std::filesystem::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestExpertMerge)
#include "tst_expert_merge.moc"
