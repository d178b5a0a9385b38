// Branch-Train-MiX mix step: fine-tunes are made here from the dense fixtures by adding noise, and
// the expected tensors are the inputs themselves (expert e = fine-tune e's MLP) or their plain mean.
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/checkpoint_writer.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/btx.h"
#include "moe/btx_job.h"
#include "moe/moe_layout.h"

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

void writeModel(const std::string& path, const std::map<std::string, at::Tensor>& tensors)
{
    std::vector<TensorInfo> plan;
    for (const auto& [name, t] : tensors)
        plan.push_back(fromTorch(name, t).info());
    auto writer = CheckpointWriter::create(path, plan, {});
    for (const auto& [name, t] : tensors)
        writer->write(fromTorch(name, t));
    writer->commit();
}

// A copy of `source` with every tensor plus seeded noise.
std::string fineTune(const QTemporaryDir& dir, const std::string& source, const char* name, int seed)
{
    const auto c = Checkpoint::open(source);
    at::manual_seed(seed);
    std::map<std::string, at::Tensor> tensors;
    for (const TensorInfo& t : c->tensors())
        tensors[t.name] = tensor(*c, t.name) + 0.1 * at::randn(t.shape);
    const std::string path = dir.filePath(name).toStdString() + ".safetensors";
    writeModel(path, tensors);
    return path;
}

std::string denseVit(const QTemporaryDir& dir)
{
    at::manual_seed(3);
    const std::string p = "vision_model.encoder.layers.0.";
    const std::string path = dir.filePath("vit").toStdString();
    writeModel(path, {{p + "mlp.fc1.weight", at::randn({6, 8})},
                      {p + "mlp.fc1.bias", at::randn({6})},
                      {p + "mlp.fc2.weight", at::randn({8, 6})},
                      {p + "mlp.fc2.bias", at::randn({8})},
                      {p + "layer_norm2.weight", at::randn({8})},
                      {"visual_projection.weight", at::randn({4, 8})}});
    return path;
}
} // namespace

class TestBtx : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void llamaToMixtral_data()
    {
        QTest::addColumn<bool>("includeBase");
        QTest::newRow("fine-tunes only") << false;
        QTest::newRow("with the base") << true;
    }
    void llamaToMixtral()
    {
        QFETCH(bool, includeBase);
        QTemporaryDir dir;
        const std::string base = fixture("dense_llama");
        const std::vector<std::string> fts = {fineTune(dir, base + "/model.safetensors", "ft1", 1),
                                              fineTune(dir, base + "/model.safetensors", "ft2", 2)};
        BtxOptions o;
        o.includeBase = includeBase;
        NullProgress progress;
        CancelToken cancel;
        const BtxResult r = branchTrainMix(base, fts, o, dir.filePath("moe").toStdString(), progress, cancel);
        const int experts = includeBase ? 3 : 2;
        QCOMPARE(r.experts, experts);
        QCOMPARE(r.layers, 1);

        const auto out = Checkpoint::open(r.path);
        const MoeLayout layout = detectMoeLayout(*out);
        QCOMPARE(layout.family, MoeFamily::Mixtral);
        QCOMPARE(layout.numExperts, experts);
        QCOMPARE(layout.topK, 2);
        QCOMPARE(layout.config["model_type"].get<std::string>(), std::string("mixtral"));
        QCOMPARE(layout.config["hidden_size"].get<int>(), 8);
        QVERIFY(!out->contains("model.layers.0.mlp.gate_proj.weight"));
        QCOMPARE(out->find("model.layers.0.block_sparse_moe.gate.weight")->shape, (std::vector<int64_t>{experts, 8}));

        const auto b = Checkpoint::open(base);
        const auto f1 = Checkpoint::open(fts[0]);
        const auto f2 = Checkpoint::open(fts[1]);
        const std::string moe = "model.layers.0.block_sparse_moe.experts.";
        const int first = includeBase ? 1 : 0;
        QVERIFY(at::equal(tensor(*out, moe + std::to_string(first) + ".w1.weight"),
                          tensor(*f1, "model.layers.0.mlp.gate_proj.weight")));
        QVERIFY(at::equal(tensor(*out, moe + std::to_string(first + 1) + ".w2.weight"),
                          tensor(*f2, "model.layers.0.mlp.down_proj.weight")));
        QVERIFY(at::equal(tensor(*out, moe + std::to_string(first + 1) + ".w3.weight"),
                          tensor(*f2, "model.layers.0.mlp.up_proj.weight")));
        if (includeBase)
            QVERIFY(at::equal(tensor(*out, moe + "0.w3.weight"), tensor(*b, "model.layers.0.mlp.up_proj.weight")));
        // Everything else: the mean of the fine-tunes.
        const std::string q = "model.layers.0.self_attn.q_proj.weight";
        QVERIFY(at::allclose(tensor(*out, q), (tensor(*f1, q) + tensor(*f2, q)) / 2, 1e-6, 1e-7));
        QCOMPARE(r.parameters, out->parameterCount());
    }

    void vitToMoeVit()
    {
        QTemporaryDir dir;
        const std::string base = denseVit(dir);
        const std::string vitFile = base + "/model.safetensors";
        const std::vector<std::string> fts = {fineTune(dir, vitFile, "v1", 4), fineTune(dir, vitFile, "v2", 5),
                                              fineTune(dir, vitFile, "v3", 6)};
        BtxOptions o;
        o.topK = 1;
        NullProgress progress;
        CancelToken cancel;
        const BtxResult r = branchTrainMix(base, fts, o, dir.filePath("moevit").toStdString(), progress, cancel);
        const auto out = Checkpoint::open(r.path);
        const MoeLayout layout = detectMoeLayout(*out);
        QCOMPARE(layout.family, MoeFamily::MoeVit);
        QCOMPARE(layout.numExperts, 3);
        QCOMPARE(layout.layers[0].prefix, std::string("vision_model.encoder.layers.0.moe"));
        const auto f3 = Checkpoint::open(fts[2]);
        QVERIFY(at::equal(tensor(*out, "vision_model.encoder.layers.0.moe.experts.2.fc1.bias"),
                          tensor(*f3, "vision_model.encoder.layers.0.mlp.fc1.bias")));
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("baseName");
        QTest::addColumn<int>("topK");
        QTest::addColumn<QString>("message");
        QTest::newRow("top-k too large") << "dense_llama" << 3 << "--top-k 3 is out of range (1..2 experts)";
        QTest::newRow("an MoE base") << "mixtral" << 2 << "no dense MLP found";
        QTest::newRow("different model") << "qwen2_moe" << 2 << "missing (the base";
    }
    void badInputs()
    {
        QFETCH(QString, baseName);
        QFETCH(int, topK);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string base = fixture(baseName.toStdString().c_str());
        const std::string ftSource = fixture(baseName == "qwen2_moe" ? "dense_llama" : baseName.toStdString().c_str());
        const std::vector<std::string> fts = {fineTune(dir, ftSource + "/model.safetensors", "a", 1),
                                              fineTune(dir, ftSource + "/model.safetensors", "b", 2)};
        BtxOptions o;
        o.topK = topK;
        NullProgress progress;
        CancelToken cancel;
        const std::string out = dir.filePath("out").toStdString();
        try {
            branchTrainMix(base, fts, o, out, progress, cancel);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(message.toStdString()) != std::string::npos, e.what());
        }
        QVERIFY(!std::filesystem::exists(out));
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir dir;
        const std::string base = fixture("dense_llama");
        const std::vector<std::string> fts = {fineTune(dir, base + "/model.safetensors", "c1", 1)};
        const std::string out = dir.filePath("cancelled").toStdString();
        BtxOptions o;
        o.topK = 1;
        BtxJob job(base, fts, out, o);
        CancelToken cancel;
        int updates = 0;
        CallbackProgress progress([&](double, double, const std::string&) {
            if (++updates == 3)
                cancel.cancel();
        });
        QCOMPARE(runJob(job, progress, cancel).status, Status::Cancelled);
        QVERIFY(!std::filesystem::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestBtx)
#include "tst_btx.moc"
