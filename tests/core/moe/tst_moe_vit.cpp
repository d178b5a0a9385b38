// The MoE ViT forward against tests/fixtures/moe/make_moe_fixtures.py's hand-written python3-torch
// forward, and data-centric statistics (usage, co-selection, output similarity) on it.
#include "common/error.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "jobs/job.h"
#include "moe/btx_router.h"
#include "moe/expert_outputs.h"
#include "moe/moe_vit.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <QtTest/QtTest>

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
} // namespace

class TestMoeVit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void forwardMatchesPython()
    {
        at::NoGradGuard noGrad;
        auto model = loadMoeVit(fixture("moe_vit"));
        const auto expected = Checkpoint::open(fixture("moe_vit_forward.safetensors"));
        const at::Tensor y = model->embed(tensor(*expected, "images"));
        QVERIFY2(at::allclose(y, tensor(*expected, "embeds"), 1e-4, 1e-5),
                 c10::str((y - tensor(*expected, "embeds")).abs().max()).c_str());
        QCOMPARE(int64_t(model->parameters().size()), int64_t(Checkpoint::open(fixture("moe_vit"))->tensors().size()));
    }

    void routingStatistics()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        // Plant a copy: expert 3 := expert 1, so their outputs agree exactly.
        std::map<std::string, at::Tensor> params = model->parameters();
        const std::string p = "vision_model.encoder.layers.0.moe.experts.";
        std::map<std::string, at::Tensor> copy;
        for (const char* role : {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"})
            copy[p + "3." + role] = params.at(p + "1." + role).clone();
        model->setParameters(copy, false, "test");

        const auto expected = Checkpoint::open(fixture("moe_vit_forward.safetensors"));
        NullProgress progress;
        CancelToken cancel;
        const auto r = dataCentricRedundancy(*model, tensor(*expected, "images"), 2, 1000, progress, cancel);
        const ExpertSimilarity& s = r.layers.at(0);
        QCOMPARE(s.numExperts, 4);
        double total = 0;
        for (double u : s.usage)
            total += u;
        QVERIFY(std::abs(total - 1.0) < 1e-12);
        for (int e = 0; e < 4; ++e) // each token picks k = 2 experts: co-selection diagonal = 2 x usage
            QVERIFY(std::abs(s.coSelection[e * 4 + e] - 2 * s.usage[e]) < 1e-12);
        QVERIFY(s.outputs[1 * 4 + 3] > 1 - 1e-9);
        QVERIFY(s.outputs[0 * 4 + 2] < 0.99);
        QCOMPARE(r.routerInputs.at(0).size(0), int64_t(3 * 5)); // 3 images x (4 patches + CLS)
        QCOMPARE(r.routerInputs.at(0).size(1), int64_t(8));
    }

    void hiddenStateRouterRows()
    {
        auto model = loadMoeVit(fixture("moe_vit"));
        at::manual_seed(9);
        std::vector<at::Tensor> images = {at::Tensor(), at::randn({2, 3, 8, 8}), at::randn({3, 3, 8, 8}) + 1.0,
                                          at::randn({2, 3, 8, 8}) - 1.0};
        NullProgress progress;
        CancelToken cancel;
        const auto routers = hiddenStateRouters(*model, images, 2.0, progress, cancel);
        QCOMPARE(int(routers.size()), 1);
        const at::Tensor r = routers.at("vision_model.encoder.layers.0.moe.gate.weight");
        QCOMPARE(r.sizes().vec(), (std::vector<int64_t>{4, 8}));
        QVERIFY(at::equal(r[0], at::zeros({8}))); // no images: the centre, a zero row
        // Rows are centred over the experts that have images.
        QVERIFY(at::allclose(r.narrow(0, 1, 3).sum(0), at::zeros({8}), 1e-5, 1e-5));
        QVERIFY_THROWS_EXCEPTION(InputError, hiddenStateRouters(*model, {images[1]}, 2.0, progress, cancel));
    }

    void otherFamiliesRefused() { QVERIFY_THROWS_EXCEPTION(InputError, loadMoeVit(fixture("mixtral"))); }
};

QTEST_GUILESS_MAIN(TestMoeVit)
#include "tst_moe_vit.moc"
